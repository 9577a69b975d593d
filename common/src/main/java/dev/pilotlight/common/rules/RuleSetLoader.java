package dev.pilotlight.common.rules;

import dev.pilotlight.common.DurationText;
import dev.pilotlight.common.control.CommandType;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads and validates rule files. It reports every problem it finds, each with file, line and
 * reason, rather than stopping at the first; a job must not start with any of them.
 * SnakeYAML's node tree is used (not data binding) because it keeps a line for every value.
 */
public final class RuleSetLoader {

    /** Metrics the modules can evaluate today; others are rejected rather than silently ignored. */
    public static final Set<String> METRICS = Set.of("error_rate");
    public static final Set<String> GROUP_LABELS = Set.of("route", "promptId", "promptVersion", "variant", "model", "tenant");
    private static final Set<String> RULE_KEYS = Set.of("id", "description", "metric", "group_by", "window", "op",
            "threshold", "min_samples", "tier", "action", "labels", "annotations");
    private static final Set<String> ANNOTATION_KEYS = Set.of("summary", "runbook");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private RuleSetLoader() {}

    /** Loads one file or every {@code *.yaml}/{@code *.yml} file of a directory. */
    public static RuleSet load(Path fileOrDir) {
        List<Path> files = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> s = Files.list(fileOrDir)) {
                s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(files::add);
            } catch (IOException e) {
                problems.add(new RuleProblem(fileOrDir.toString(), 0, "cannot list directory: " + e.getMessage()));
            }
            if (files.isEmpty() && problems.isEmpty()) {
                problems.add(new RuleProblem(fileOrDir.toString(), 0, "no rule files (*.yaml) in directory"));
            }
        } else if (Files.isRegularFile(fileOrDir)) {
            files.add(fileOrDir);
        } else {
            problems.add(new RuleProblem(fileOrDir.toString(), 0, "no such file or directory"));
        }
        Map<String, String> contents = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                contents.put(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
            } catch (IOException e) {
                problems.add(new RuleProblem(f.toString(), 0, "cannot read: " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        return parse(contents);
    }

    /** Parses named texts (name → YAML); used by {@link #load} and by anything that receives rules as text. */
    public static RuleSet parse(Map<String, String> namedTexts) {
        List<RuleProblem> problems = new ArrayList<>();
        List<ThresholdRule> rules = new ArrayList<>();
        Map<String, String> seenIds = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : namedTexts.entrySet()) {
            new FileReader(e.getKey(), problems, rules, seenIds).read(e.getValue());
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        return new RuleSet(versionOf(namedTexts), List.copyOf(rules));
    }

    private static String versionOf(Map<String, String> namedTexts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            namedTexts.forEach((name, text) -> {
                sha.update(Path.of(name).getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(text.getBytes(StandardCharsets.UTF_8));
            });
            return HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Reads one file; problems accumulate in the shared list. */
    private static final class FileReader {
        private final String file;
        private final List<RuleProblem> problems;
        private final List<ThresholdRule> rules;
        private final Map<String, String> seenIds;

        FileReader(String file, List<RuleProblem> problems, List<ThresholdRule> rules, Map<String, String> seenIds) {
            this.file = file;
            this.problems = problems;
            this.rules = rules;
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
            for (NodeTuple t : top.getValue()) {
                String key = scalar(t.getKeyNode());
                if ("rules".equals(key)) {
                    list = t.getValueNode();
                } else {
                    problem(t.getKeyNode(), "unknown top-level key '" + key + "' (expected 'rules')");
                }
            }
            if (list == null) {
                problem(top, "missing 'rules:' list");
                return;
            }
            if (!(list instanceof SequenceNode seq)) {
                problem(list, "'rules' must be a list of rules");
                return;
            }
            for (Node item : seq.getValue()) {
                if (item instanceof MappingNode m) {
                    readRule(m);
                } else {
                    problem(item, "each rule must be a mapping");
                }
            }
        }

        private void readRule(MappingNode m) {
            Map<String, NodeTuple> fields = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String key = scalar(t.getKeyNode());
                if (!RULE_KEYS.contains(key)) {
                    problem(t.getKeyNode(), "unknown key '" + key + "' (allowed: " + String.join(", ", sorted(RULE_KEYS)) + ")");
                } else if (fields.put(key, t) != null) {
                    problem(t.getKeyNode(), "duplicate key '" + key + "'");
                }
            }
            int before = problems.size();
            String id = requiredText(m, fields, "id");
            if (id != null && !ID.matcher(id).matches()) {
                problem(value(fields, "id"), "id '" + id + "' must be lowercase letters, digits and '-' (at most 63)");
            } else if (id != null && seenIds.containsKey(id)) {
                problem(value(fields, "id"), "duplicate rule id '" + id + "' (first defined at " + seenIds.get(id) + ")");
            } else if (id != null) {
                seenIds.put(id, file + ":" + line(value(fields, "id")));
            }
            String metric = requiredText(m, fields, "metric");
            if (metric != null && !METRICS.contains(metric)) {
                problem(value(fields, "metric"), "unsupported metric '" + metric + "' (supported: " + String.join(", ", sorted(METRICS)) + ")");
            }
            List<String> groupBy = groupBy(m, fields);
            Duration window = duration(m, fields, "window");
            Comparison op = null;
            String opText = requiredText(m, fields, "op");
            if (opText != null) {
                op = Comparison.ofSymbol(opText);
                if (op == null) {
                    problem(value(fields, "op"), "op '" + opText + "' must be one of >, >=, <, <=");
                }
            }
            Double threshold = number(m, fields, "threshold");
            if (threshold != null && metric != null && metric.endsWith("_rate") && (threshold < 0 || threshold > 1)) {
                problem(value(fields, "threshold"), "threshold " + threshold + " of a rate must be between 0 and 1 (10% is 0.10)");
            }
            Double minSamples = fields.containsKey("min_samples") ? number(m, fields, "min_samples") : Double.valueOf(1);
            if (minSamples != null && (minSamples < 1 || minSamples != Math.rint(minSamples))) {
                problem(value(fields, "min_samples"), "min_samples must be a whole number >= 1");
            }
            Double tier = number(m, fields, "tier");
            if (tier != null && (tier != 1 && tier != 2 && tier != 3)) {
                problem(value(fields, "tier"), "tier must be 1 (page), 2 (chat) or 3 (daily digest)");
            }
            CommandType action = null;
            if (fields.containsKey("action")) {
                String a = scalar(value(fields, "action"));
                try {
                    action = CommandType.valueOf(a);
                } catch (IllegalArgumentException | NullPointerException e) {
                    problem(value(fields, "action"), "unknown action '" + a + "' (one of " + java.util.Arrays.toString(CommandType.values()) + ")");
                }
                if (action == CommandType.ROLLBACK_PROMPT && groupBy != null
                        && !new java.util.HashSet<>(groupBy).equals(Set.of("route", "promptId", "promptVersion"))) {
                    problem(value(fields, "group_by"), "a ROLLBACK_PROMPT rule must group by exactly [route, promptId, promptVersion]: it acts on one release");
                }
            }
            Map<String, String> labels = stringMap(fields, "labels", null);
            Map<String, String> annotations = stringMap(fields, "annotations", ANNOTATION_KEYS);
            if (problems.size() == before) {
                rules.add(new ThresholdRule(id, file + ":" + line(m), metric, groupBy, window, op, threshold,
                        minSamples.longValue(), tier.intValue(), action, labels,
                        annotations.get("summary"), annotations.get("runbook")));
            }
        }

        private List<String> groupBy(MappingNode m, Map<String, NodeTuple> fields) {
            Node n = value(fields, "group_by");
            if (n == null) {
                problem(m, "missing required key 'group_by'");
                return null;
            }
            if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
                problem(n, "group_by must be a non-empty list of labels");
                return null;
            }
            List<String> out = new ArrayList<>();
            for (Node item : seq.getValue()) {
                String label = scalar(item);
                if (label == null || !GROUP_LABELS.contains(label)) {
                    problem(item, "unknown group label '" + label + "' (allowed: " + String.join(", ", sorted(GROUP_LABELS)) + ")");
                } else {
                    out.add(label);
                }
            }
            return out;
        }

        private Duration duration(MappingNode m, Map<String, NodeTuple> fields, String key) {
            String text = requiredText(m, fields, key);
            if (text == null) {
                return null;
            }
            Duration d;
            try {
                d = DurationText.parse(text);
            } catch (IllegalArgumentException e) {
                problem(value(fields, key), key + " " + e.getMessage());
                return null;
            }
            if (d.isZero()) {
                problem(value(fields, key), key + " must be longer than zero");
                return null;
            }
            return d;
        }

        private Double number(MappingNode m, Map<String, NodeTuple> fields, String key) {
            String text = requiredText(m, fields, key);
            if (text == null) {
                return null;
            }
            try {
                return Double.valueOf(text);
            } catch (NumberFormatException e) {
                problem(value(fields, key), key + " '" + text + "' is not a number");
                return null;
            }
        }

        private Map<String, String> stringMap(Map<String, NodeTuple> fields, String key, Set<String> allowed) {
            Map<String, String> out = new LinkedHashMap<>();
            Node n = value(fields, key);
            if (n == null) {
                return out;
            }
            if (!(n instanceof MappingNode mn)) {
                problem(n, key + " must be a mapping of names to text");
                return out;
            }
            for (NodeTuple t : mn.getValue()) {
                String k = scalar(t.getKeyNode());
                String v = scalar(t.getValueNode());
                if (allowed != null && !allowed.contains(k)) {
                    problem(t.getKeyNode(), "unknown " + key + " key '" + k + "' (allowed: " + String.join(", ", sorted(allowed)) + ")");
                } else if (v == null) {
                    problem(t.getValueNode(), key + "." + k + " must be text");
                } else {
                    out.put(k, v);
                }
            }
            return out;
        }

        private String requiredText(MappingNode m, Map<String, NodeTuple> fields, String key) {
            Node n = value(fields, key);
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

        private static Node value(Map<String, NodeTuple> fields, String key) {
            NodeTuple t = fields.get(key);
            return t == null ? null : t.getValueNode();
        }

        private static String scalar(Node n) {
            return n instanceof ScalarNode s ? s.getValue() : null;
        }

        private static int line(Node n) {
            return n.getStartMark().getLine() + 1;
        }

        private void problem(Node at, String reason) {
            problems.add(new RuleProblem(file, line(at), reason));
        }

        private static List<String> sorted(Set<String> s) {
            return s.stream().sorted().toList();
        }
    }
}
