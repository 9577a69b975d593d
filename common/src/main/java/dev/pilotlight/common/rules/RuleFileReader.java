package dev.pilotlight.common.rules;

import dev.pilotlight.common.DurationText;
import dev.pilotlight.common.config.YamlNodes;
import dev.pilotlight.common.cost.Quota;
import dev.pilotlight.common.cost.QuotaReader;
import dev.pilotlight.common.control.CommandParams;
import dev.pilotlight.common.control.CommandType;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the rules of one file into validated records; every problem is added to the shared list
 * with file, line and reason, and a rule with any problem is left out. SnakeYAML's node tree is
 * used (not data binding) because it keeps a line for every value.
 */
final class RuleFileReader {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Set<String> COMMON_KEYS = Set.of("id", "kind", "description", "group_by", "tier", "action",
            "labels", "annotations");
    private static final Map<String, Set<String>> KIND_KEYS = Map.of(
            "threshold", Set.of("metric", "where", "window", "op", "threshold", "baseline", "min_samples", "min_users", "for", "keep_firing_for",
                    "evaluate"),
            "absence", Set.of("stream", "where", "for", "forget_after"),
            "sequence", Set.of("stream", "pattern", "first", "then", "times", "within", "keep_firing_for"));
    private static final Set<String> ANNOTATION_KEYS = Set.of("summary", "runbook");
    private static final Set<String> RELEASE_GROUP = Set.of("route", "promptId", "promptVersion");

    private final String file;
    private final List<RuleProblem> problems;
    private final List<Rule> rules;
    private final Map<String, String> seenIds;
    private final List<Quota> quotas;
    private final List<dev.pilotlight.common.cost.Schedule> schedules;
    private final List<dev.pilotlight.common.usage.Roster> rosters;

    RuleFileReader(String file, List<RuleProblem> problems, List<Rule> rules, List<Quota> quotas,
                   List<dev.pilotlight.common.cost.Schedule> schedules, List<dev.pilotlight.common.usage.Roster> rosters,
                   Map<String, String> seenIds) {
        this.rosters = rosters;
        this.file = file;
        this.problems = problems;
        this.rules = rules;
        this.quotas = quotas;
        this.schedules = schedules;
        this.seenIds = seenIds;
    }

    void read(String text) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            problems.add(new RuleProblem(file, line, "YAML syntax: " + e.getProblem()));
            return;
        }
        if (root == null) {
            problems.add(new RuleProblem(file, 1, "file is empty; expected a 'rules:' list"));
            return;
        }
        if (!(root instanceof MappingNode top)) {
            problem(root, "expected a mapping with a 'rules:' list at the top");
            return;
        }
        Node list = null;
        // a quota file (docs/cost.md) travels and is checked with the rule files
        QuotaReader cost = new QuotaReader(file, this::problem, quotas, schedules, seenIds);
        boolean costOnly = false;
        for (NodeTuple t : top.getValue()) {
            String key = scalar(t.getKeyNode());
            if ("rules".equals(key)) {
                list = t.getValueNode();
            } else if ("quotas".equals(key)) {
                costOnly = true;
                cost.read(t.getValueNode());
            } else if ("schedules".equals(key)) {
                costOnly = true;
                cost.readSchedules(t.getValueNode());
            } else if ("rosters".equals(key)) {
                // who a route is meant for (docs/usage.md): published and checked with the rules like quotas
                costOnly = true;
                new dev.pilotlight.common.usage.RosterReader(file, this::problem, rosters).read(t.getValueNode());
            } else {
                problem(t.getKeyNode(), "unknown top-level key '" + key + "' (expected 'rules', 'quotas', 'schedules' or 'rosters')");
            }
        }
        if (list == null && costOnly) {
            return;
        }
        if (list == null) {
            problem(top, "missing 'rules:' list");
        } else if (!(list instanceof SequenceNode seq)) {
            problem(list, "'rules' must be a list of rules");
        } else {
            for (Node item : seq.getValue()) {
                if (item instanceof MappingNode m) {
                    new One(m).read();
                } else {
                    problem(item, "each rule must be a mapping");
                }
            }
        }
    }

    /** One rule mapping. */
    private final class One {
        private final MappingNode m;
        private final Map<String, NodeTuple> fields = new LinkedHashMap<>();

        One(MappingNode m) {
            this.m = m;
        }

        void read() {
            String kind = "threshold";
            for (NodeTuple t : m.getValue()) {
                if ("kind".equals(scalar(t.getKeyNode()))) {
                    kind = scalar(t.getValueNode());
                }
            }
            Set<String> kindKeys = kind == null ? null : KIND_KEYS.get(kind);
            if (kindKeys == null) {
                problem(m, (kind == null ? "kind must be a word" : "unknown kind '" + kind + "'") + " (one of absence, sequence, threshold)");
                return;
            }
            Set<String> allowed = new HashSet<>(COMMON_KEYS);
            allowed.addAll(kindKeys);
            for (NodeTuple t : m.getValue()) {
                String key = scalar(t.getKeyNode());
                if (!allowed.contains(key)) {
                    problem(t.getKeyNode(), "unknown key '" + key + "' for a " + kind + " rule (allowed: " + sorted(allowed) + ")");
                } else if (fields.put(key, t) != null) {
                    problem(t.getKeyNode(), "duplicate key '" + key + "'");
                }
            }
            int before = problems.size();
            String id = id();
            Rule rule = switch (kind) {
                case "absence" -> absence(id);
                case "sequence" -> sequence(id);
                default -> threshold(id);
            };
            if (problems.size() == before && rule != null) {
                rules.add(rule);
            }
        }

        private String id() {
            String id = requiredText("id");
            if (id != null && !ID.matcher(id).matches()) {
                problem(value("id"), "id '" + id + "' must be lowercase letters, digits and '-' (at most 63)");
            } else if (id != null && seenIds.containsKey(id)) {
                problem(value("id"), "duplicate rule id '" + id + "' (first defined at " + seenIds.get(id) + ")");
            } else if (id != null) {
                seenIds.put(id, file + ":" + line(value("id")));
            }
            return id;
        }

        private ThresholdRule threshold(String id) {
            Metric metric = null;
            String metricText = requiredText("metric");
            if (metricText != null) {
                metric = Metric.ofYaml(metricText);
                if (metric == null) {
                    problem(value("metric"), "unknown metric '" + metricText + "' (one of "
                            + Arrays.stream(Metric.values()).map(Metric::yamlName).sorted().toList() + ")");
                }
            }
            RuleStream stream = metric == null ? null : metric.stream();
            List<Condition> where = conditions("where", stream, false);
            List<String> groupBy = groupBy(stream, true);
            Duration window = duration("window", true);
            Comparison op = null;
            String opText = requiredText("op");
            if (opText != null) {
                op = Comparison.ofSymbol(opText);
                if (op == null) {
                    problem(value("op"), "op '" + opText + "' must be one of >, >=, <, <=");
                }
            }
            Baseline baseline = baseline(window, metric, groupBy);
            Double threshold = number("threshold", null);
            if (threshold != null && metric != null && metric.isShare() && baseline == null && (threshold < 0 || threshold > 1)) {
                problem(value("threshold"), "threshold " + threshold + " of a rate must be between 0 and 1 (10% is 0.10)");
            }
            if (threshold != null && baseline != null && threshold <= 0) {
                problem(value("threshold"), "with a baseline the threshold is a factor (2.0 is twice the baseline) and must be above 0");
            }
            long minSamples = wholeNumber("min_samples", 1, 1);
            long minUsers = wholeNumber("min_users", 0, 0);
            if (minUsers > 0 && metric != null && metric.stream() != RuleStream.INVOCATIONS && metric.stream() != RuleStream.FEEDBACK) {
                problem(value("min_users"), "min_users counts the users of invocations or feedback, not of " + metric.stream().yamlName());
            }
            Duration holdFor = optionalDuration("for");
            Duration keepFiringFor = optionalDuration("keep_firing_for");
            String evaluate = value("evaluate") == null ? "continuous" : scalar(value("evaluate"));
            if (!"continuous".equals(evaluate) && !"at_window_end".equals(evaluate)) {
                problem(value("evaluate"), "evaluate must be continuous (on every event, the default) or at_window_end (once per aligned window)");
            }
            RuleAction action = action(groupBy, true);
            AlertTemplate alert = alertTemplate();
            if (metric == null || groupBy == null || window == null || op == null || threshold == null || alert == null) {
                return null;
            }
            return new ThresholdRule(id, source(), metric, where, groupBy, window, op, threshold, baseline, minSamples, minUsers,
                    holdFor, keepFiringFor, "at_window_end".equals(evaluate), action, alert);
        }

        private AbsenceRule absence(String id) {
            RuleStream stream = stream();
            List<Condition> where = conditions("where", stream, false);
            List<String> groupBy = groupBy(stream, false);
            Duration silence = duration("for", true);
            Duration forgetAfter = value("forget_after") != null ? duration("forget_after", true)
                    : groupBy != null && groupBy.isEmpty() ? null : AbsenceRule.DEFAULT_FORGET_AFTER;
            if (silence != null && forgetAfter != null && forgetAfter.compareTo(silence) <= 0) {
                problem(value("forget_after"), "forget_after must be longer than for (" + DurationText.format(silence) + ")");
            }
            RuleAction action = action(groupBy, false);
            AlertTemplate alert = alertTemplate();
            if (stream == null || groupBy == null || silence == null || (forgetAfter == null && value("forget_after") != null) || alert == null) {
                return null;
            }
            return new AbsenceRule(id, source(), stream, where, groupBy, silence, forgetAfter, action, alert);
        }

        private SequenceRule sequence(String id) {
            RuleStream stream = stream();
            SequenceRule.Kind kind = null;
            String pattern = requiredText("pattern");
            if (pattern != null) {
                try {
                    kind = SequenceRule.Kind.valueOf(pattern.toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    problem(value("pattern"), "pattern '" + pattern + "' must be count, followed_by or not_followed_by");
                }
            }
            List<Condition> first = conditions("first", stream, true);
            List<Condition> then = conditions("then", stream, kind == SequenceRule.Kind.FOLLOWED_BY || kind == SequenceRule.Kind.NOT_FOLLOWED_BY);
            if (kind == SequenceRule.Kind.COUNT && value("then") != null) {
                problem(value("then"), "a count pattern has no 'then' (it counts 'first')");
            }
            int times = (int) wholeNumber("times", kind == SequenceRule.Kind.COUNT ? 2 : 1, 1);
            if (kind == SequenceRule.Kind.COUNT && value("times") == null) {
                problem(m, "missing required key 'times' (how many 'first' events within 'within')");
            } else if (kind != SequenceRule.Kind.COUNT && value("times") != null) {
                problem(value("times"), "'times' belongs to count patterns only");
            }
            Duration within = duration("within", true);
            List<String> groupBy = groupBy(stream, true);
            Duration keepFiringFor = value("keep_firing_for") != null ? optionalDuration("keep_firing_for") : within;
            RuleAction action = action(groupBy, false);
            AlertTemplate alert = alertTemplate();
            if (stream == null || kind == null || within == null || groupBy == null || alert == null) {
                return null;
            }
            return new SequenceRule(id, source(), stream, kind, first, then, times, within, groupBy, keepFiringFor, action, alert);
        }

        private RuleStream stream() {
            String s = requiredText("stream");
            if (s == null) {
                return null;
            }
            RuleStream stream = RuleStream.ofYaml(s);
            if (stream == null) {
                problem(value("stream"), "unknown stream '" + s + "' (one of "
                        + Arrays.stream(RuleStream.values()).map(RuleStream::yamlName).toList() + ")");
            }
            return stream;
        }

        private Baseline baseline(Duration window, Metric metric, List<String> groupBy) {
            Node n = value("baseline");
            if (n == null) {
                return null;
            }
            if (!(n instanceof MappingNode bm)) {
                problem(n, "baseline must be a mapping like {kind: moving_average, over: 7d} or {kind: offset, ago: 1d}");
                return null;
            }
            Map<String, Node> b = new LinkedHashMap<>();
            for (NodeTuple t : bm.getValue()) {
                b.put(scalar(t.getKeyNode()), t.getValueNode());
            }
            String kind = scalar(b.get("kind"));
            if ("previous_release".equals(kind)) {
                return previousRelease(n, b, metric, groupBy);
            }
            String spanKey = "moving_average".equals(kind) ? "over" : "offset".equals(kind) ? "ago" : null;
            if (spanKey == null) {
                problem(n, "baseline kind '" + kind + "' must be moving_average (with 'over'), offset (with 'ago') or previous_release");
                return null;
            }
            for (String k : b.keySet()) {
                if (!k.equals("kind") && !k.equals(spanKey)) {
                    problem(n, "unknown baseline key '" + k + "' for " + kind + " (allowed: kind, " + spanKey + ")");
                }
            }
            Node spanNode = b.get(spanKey);
            if (spanNode == null) {
                problem(n, "baseline " + kind + " needs '" + spanKey + "', a duration such as 1d or 7d");
                return null;
            }
            Duration span;
            try {
                span = DurationText.parse(scalar(spanNode));
            } catch (IllegalArgumentException e) {
                problem(spanNode, "baseline." + spanKey + " " + e.getMessage());
                return null;
            }
            if (window != null && (span.compareTo(window) < 0 || span.toMillis() % window.toMillis() != 0)) {
                problem(spanNode, "baseline." + spanKey + " must be a whole number of windows (window " + DurationText.format(window) + ")");
                return null;
            }
            if (window != null && span.toMillis() / window.toMillis() > 1000) {
                problem(spanNode, "baseline." + spanKey + " spans more than 1000 windows; use a longer window");
                return null;
            }
            return new Baseline(kind.equals("offset") ? Baseline.Kind.OFFSET : Baseline.Kind.MOVING_AVERAGE, span);
        }

        private Baseline previousRelease(Node n, Map<String, Node> b, Metric metric, List<String> groupBy) {
            if (b.size() > 1) {
                problem(n, "baseline previous_release takes no other key");
            }
            if (groupBy != null && !new HashSet<>(groupBy).equals(RELEASE_GROUP)) {
                problem(n, "baseline previous_release needs group_by [route, promptId, promptVersion]: it compares one release with the one it replaced");
            }
            if (metric != null && metric.aggregation() != Metric.Aggregation.RATIO) {
                problem(n, "baseline previous_release compares ratios and means (error_rate, cost_per_call, cache_hit_ratio, fallback_ratio);"
                        + " " + metric.yamlName() + " cannot be added up across a release's calls");
            }
            return new Baseline(Baseline.Kind.PREVIOUS_RELEASE, null);
        }

        private RuleAction action(List<String> groupBy, boolean rollbackAllowed) {
            Node n = value("action");
            if (n == null) {
                return null;
            }
            String typeText;
            Map<String, String> params = new LinkedHashMap<>();
            Duration lasts = null;
            Node typeNode = n;
            if (n instanceof MappingNode am) {
                Map<String, NodeTuple> a = new LinkedHashMap<>();
                for (NodeTuple t : am.getValue()) {
                    String k = scalar(t.getKeyNode());
                    if (k == null || !Set.of("type", "params", "for").contains(k)) { // Set.of refuses null: a key that is a mapping
                        problem(t.getKeyNode(), "unknown action key '" + keyName(t.getKeyNode()) + "' (allowed: for, params, type)");
                    }
                    a.put(k, t);
                }
                typeNode = a.containsKey("type") ? a.get("type").getValueNode() : am;
                typeText = a.containsKey("type") ? scalar(typeNode) : null;
                if (a.containsKey("params")) {
                    params = stringMap(a.get("params").getValueNode(), "action.params", null);
                }
                if (a.containsKey("for")) {
                    Node f = a.get("for").getValueNode();
                    try {
                        lasts = DurationText.parse(scalar(f));
                    } catch (IllegalArgumentException e) {
                        problem(f, "action.for " + e.getMessage());
                    }
                }
            } else {
                typeText = scalar(n);
            }
            CommandType type;
            try {
                type = CommandType.valueOf(typeText);
            } catch (IllegalArgumentException | NullPointerException e) {
                problem(typeNode, "unknown action '" + typeText + "' (one of " + Arrays.toString(CommandType.values()) + ")");
                return null;
            }
            RuleAction action = new RuleAction(type, params, lasts);
            if (type == CommandType.ROLLBACK_PROMPT && !rollbackAllowed) {
                problem(typeNode, "ROLLBACK_PROMPT is an action of threshold rules only");
            } else if (type == CommandType.ROLLBACK_PROMPT && groupBy != null && !new HashSet<>(groupBy).equals(RELEASE_GROUP)) {
                problem(value("group_by"), "a ROLLBACK_PROMPT rule must group by exactly [route, promptId, promptVersion]: it acts on one release");
            } else if (type == CommandType.PROMOTE_VARIANT || type == CommandType.SET_SPLIT) {
                problem(typeNode, type + " is decided by the experiment module, not by an alert rule");
            } else if (groupBy != null && !groupBy.contains(action.targetLabel())) {
                problem(typeNode, "action " + type + " targets a " + action.targetLabel() + ", so group_by must include " + action.targetLabel());
            }
            for (String p : CommandParams.problemsInRule(type, params)) {
                problem(typeNode, "action " + p);
            }
            if (lasts != null && lasts.toMillis() > CommandParams.MAX_EFFECT_MS) {
                problem(typeNode, "action.for must be at most a year");
            }
            return action;
        }

        private AlertTemplate alertTemplate() {
            long tier = wholeNumber("tier", 0, 1);
            if (value("tier") == null) {
                problem(m, "missing required key 'tier' (1 page, 2 chat, 3 daily digest)");
                return null;
            }
            if (tier < 1 || tier > 3) {
                problem(value("tier"), "tier must be 1 (page), 2 (chat) or 3 (daily digest)");
                return null;
            }
            Map<String, String> labels = value("labels") == null ? Map.of() : stringMap(value("labels"), "labels", null);
            Map<String, String> annotations = value("annotations") == null ? Map.of()
                    : stringMap(value("annotations"), "annotations", ANNOTATION_KEYS);
            return new AlertTemplate((int) tier, Map.copyOf(labels), annotations.get("summary"), annotations.get("runbook"));
        }

        private List<Condition> conditions(String key, RuleStream stream, boolean required) {
            Node n = value(key);
            if (n == null) {
                if (required) {
                    problem(m, "missing required key '" + key + "' (a list of {field, op, value} conditions)");
                }
                return List.of();
            }
            if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
                problem(n, key + " must be a non-empty list of {field, op, value} conditions");
                return List.of();
            }
            List<Condition> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                Condition c = condition(key, item, stream);
                if (c != null) {
                    out.add(c);
                }
            }
            return List.copyOf(out);
        }

        private Condition condition(String key, Node item, RuleStream stream) {
            if (!(item instanceof MappingNode cm)) {
                problem(item, key + ": each condition must be a mapping {field, op, value}");
                return null;
            }
            Map<String, Node> c = new LinkedHashMap<>();
            for (NodeTuple t : cm.getValue()) {
                String k = scalar(t.getKeyNode());
                if (k == null || !Set.of("field", "op", "value").contains(k)) { // Set.of refuses null: a key that is a mapping
                    problem(t.getKeyNode(), key + ": unknown condition key '" + keyName(t.getKeyNode()) + "' (allowed: field, op, value)");
                }
                c.put(k, t.getValueNode());
            }
            String field = scalar(c.get("field"));
            String opText = c.containsKey("op") ? scalar(c.get("op")) : "==";
            Condition.Op op = Condition.Op.ofSymbol(opText);
            if (field == null) {
                problem(item, key + ": a condition needs 'field'");
                return null;
            }
            if (stream != null && !stream.hasField(field)) {
                problem(c.get("field"), key + ": " + stream.yamlName() + " have no field '" + field + "' (fields: " + stream.fields() + ")");
                return null;
            }
            if (op == null) {
                problem(c.get("op"), key + ": op '" + opText + "' must be one of ==, !=, >, >=, <, <=, in, contains");
                return null;
            }
            Node v = c.get("value");
            List<String> values = new ArrayList<>();
            if (v instanceof SequenceNode vs && op == Condition.Op.IN) {
                vs.getValue().forEach(x -> values.add(scalar(x)));
            } else if (v instanceof ScalarNode s && op != Condition.Op.IN) {
                values.add(s.getValue());
            }
            if (values.isEmpty() || values.contains(null)) {
                problem(v == null ? item : v, key + ": " + (op == Condition.Op.IN ? "'in' needs a list value" : "'" + opText + "' needs one value"));
                return null;
            }
            if (Set.of(Condition.Op.GT, Condition.Op.GE, Condition.Op.LT, Condition.Op.LE).contains(op)) {
                try {
                    Double.parseDouble(values.get(0));
                } catch (NumberFormatException e) {
                    problem(v, key + ": '" + opText + "' compares numbers, not '" + values.get(0) + "'");
                    return null;
                }
            }
            return stream == null ? null : new Condition(stream, field, op, List.copyOf(values));
        }

        private List<String> groupBy(RuleStream stream, boolean required) {
            Node n = value("group_by");
            if (n == null) {
                if (required) {
                    problem(m, "missing required key 'group_by'");
                    return null;
                }
                return List.of();
            }
            if (!(n instanceof SequenceNode seq) || (required && seq.getValue().isEmpty())) {
                problem(n, "group_by must be a " + (required ? "non-empty " : "") + "list of field names");
                return null;
            }
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                String label = scalar(item);
                if (stream != null && (label == null || !stream.groupableFields().contains(label))) {
                    problem(item, "unknown group label '" + label + "' (" + stream.yamlName() + " can be grouped by "
                            + stream.groupableFields() + ")");
                } else {
                    out.add(label);
                }
            }
            return List.copyOf(out);
        }

        private Duration duration(String key, boolean required) {
            String text = required ? requiredText(key) : scalar(value(key));
            if (text == null) {
                return null;
            }
            Duration d;
            try {
                d = DurationText.parse(text);
            } catch (IllegalArgumentException e) {
                problem(value(key), key + " " + e.getMessage());
                return null;
            }
            if (d.isZero()) {
                problem(value(key), key + " must be longer than zero");
                return null;
            }
            return d;
        }

        /** {@code for} and {@code keep_firing_for}: zero when absent. */
        private Duration optionalDuration(String key) {
            if (value(key) == null) {
                return Duration.ZERO;
            }
            try {
                return DurationText.parse(scalar(value(key)));
            } catch (IllegalArgumentException e) {
                problem(value(key), key + " " + e.getMessage());
                return Duration.ZERO;
            }
        }

        private Double number(String key, Double dflt) {
            if (value(key) == null && dflt != null) {
                return dflt;
            }
            String text = requiredText(key);
            if (text == null) {
                return null;
            }
            try {
                return Double.valueOf(text);
            } catch (NumberFormatException e) {
                problem(value(key), key + " '" + text + "' is not a number");
                return null;
            }
        }

        private long wholeNumber(String key, long dflt, long min) {
            if (value(key) == null) {
                return dflt;
            }
            Double d = number(key, null);
            if (d == null) {
                return dflt;
            }
            if (d < min || d != Math.rint(d)) {
                problem(value(key), key + " must be a whole number >= " + min);
                return dflt;
            }
            return d.longValue();
        }

        private Map<String, String> stringMap(Node n, String what, Set<String> allowed) {
            Map<String, String> out = new LinkedHashMap<>();
            if (!(n instanceof MappingNode mn)) {
                problem(n, what + " must be a mapping of names to text");
                return out;
            }
            for (NodeTuple t : mn.getValue()) {
                String k = scalar(t.getKeyNode());
                String v = scalar(t.getValueNode());
                if (k == null || allowed != null && !allowed.contains(k)) {
                    problem(t.getKeyNode(), "unknown " + what + " key '" + keyName(t.getKeyNode()) + "'"
                            + (allowed == null ? "" : " (allowed: " + sorted(allowed) + ")"));
                } else if (v == null) {
                    problem(t.getValueNode(), what + "." + k + " must be text");
                } else {
                    out.put(k, v);
                }
            }
            return out;
        }

        private String requiredText(String key) {
            Node n = value(key);
            if (n == null) {
                problem(m, "missing required key '" + key + "'");
                return null;
            }
            String s = scalar(n);
            if (s == null || s.isBlank()) {
                problem(n, key + " must be a non-empty value");
                return null;
            }
            return s;
        }

        private Node value(String key) {
            NodeTuple t = fields.get(key);
            return t == null ? null : t.getValueNode();
        }

        private String source() {
            return file + ":" + line(m);
        }
    }

    private static String scalar(Node n) {
        return YamlNodes.scalar(n);
    }

    private static String keyName(Node n) {
        return YamlNodes.keyName(n);
    }

    private static int line(Node n) {
        return YamlNodes.line(n);
    }

    private void problem(Node at, String reason) {
        problems.add(new RuleProblem(file, line(at), reason));
    }

    private static String sorted(Set<String> s) {
        return String.join(", ", s.stream().sorted().toList());
    }
}
