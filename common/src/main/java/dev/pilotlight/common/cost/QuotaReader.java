package dev.pilotlight.common.cost;

import dev.pilotlight.common.config.YamlNodes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads the {@code quotas:} list of a rule file (docs/cost.md, "Quota files"). Every problem goes to
 * {@code problem} with the node it is about (so with its line); a quota with any problem is left out.
 * Ids share one namespace with the rules: an alert names the rule or quota that raised it.
 */
public final class QuotaReader {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern NAME = YamlNodes.NAME;
    private static final Set<String> KEYS = Set.of("id", "description", "scope", "match", "period", "budget_usd", "calls", "warn_at",
            "action", "per_minute", "tier");

    private final String file;
    private final BiConsumer<Node, String> problem;
    private final List<Quota> quotas;
    private final List<Schedule> schedules;
    private final Map<String, String> seenIds;
    private int problems;

    public QuotaReader(String file, BiConsumer<Node, String> problem, List<Quota> quotas, List<Schedule> schedules,
                       Map<String, String> seenIds) {
        this.file = file;
        this.problem = (n, reason) -> {
            problems++;
            problem.accept(n, reason);
        };
        this.quotas = quotas;
        this.schedules = schedules;
        this.seenIds = seenIds;
    }

    /** @param list the value of the {@code quotas:} key */
    public void read(Node list) {
        each(list, "quotas", "quota", this::one, quotas);
    }

    /** @param list the value of the {@code schedules:} key */
    public void readSchedules(Node list) {
        each(list, "schedules", "schedule", this::schedule, schedules);
    }

    /** Reads each mapping of {@code list} with {@code one}; keeps what it read without a problem. */
    private <T> void each(Node list, String key, String what, java.util.function.Function<MappingNode, T> one, List<T> into) {
        if (!(list instanceof SequenceNode seq)) {
            problem.accept(list, "'" + key + "' must be a list of " + key);
            return;
        }
        for (Node item : seq.getValue()) {
            if (item instanceof MappingNode m) {
                int before = problems;
                T t = one.apply(m);
                if (t != null && problems == before) {
                    into.add(t);
                }
            } else {
                problem.accept(item, "each " + what + " must be a mapping");
            }
        }
    }

    private static final Set<String> SCHEDULE_KEYS = Set.of("id", "description", "route", "business_days", "business_hours", "per_minute");
    private static final Pattern HOURS = Pattern.compile("(\\d{2}:\\d{2})-(\\d{2}:\\d{2})");

    private Schedule schedule(MappingNode m) {
        Map<String, Node> f = YamlNodes.fields(m, SCHEDULE_KEYS, "schedule", problem);
        String id = id(m, f.get("id"));
        String route = text(f.get("route"));
        if (route == null || !NAME.matcher(route).matches()) {
            problem.accept(f.getOrDefault("route", m), "a schedule needs the route it throttles");
        }
        java.util.EnumSet<java.time.DayOfWeek> days = java.util.EnumSet.noneOf(java.time.DayOfWeek.class);
        Node dn = f.get("business_days");
        if (!(dn instanceof SequenceNode ds) || ds.getValue().isEmpty()) {
            problem.accept(dn == null ? m : dn, "business_days must list days, e.g. [mon, tue, wed, thu, fri]");
        } else {
            for (Node d : ds.getValue()) {
                java.time.DayOfWeek day = dayOf(text(d));
                if (day == null) {
                    problem.accept(d, "'" + text(d) + "' is not a day (mon, tue, wed, thu, fri, sat, sun)");
                } else {
                    days.add(day);
                }
            }
        }
        java.time.LocalTime opens = null;
        java.time.LocalTime closes = null;
        String hours = text(f.get("business_hours"));
        java.util.regex.Matcher hm = hours == null ? null : HOURS.matcher(hours);
        try {
            if (hm == null || !hm.matches()) {
                throw new java.time.DateTimeException("format");
            }
            opens = java.time.LocalTime.parse(hm.group(1));
            closes = java.time.LocalTime.parse(hm.group(2));
            if (!opens.isBefore(closes)) {
                problem.accept(f.get("business_hours"), "business_hours must open before they close, within one day");
            }
        } catch (java.time.DateTimeException e) {
            problem.accept(f.getOrDefault("business_hours", m), "business_hours must be like 08:00-18:00, not '" + hours + "'");
        }
        long perMinute = (long) number(f.get("per_minute"), "per_minute", 1, 1_000_000);
        if (perMinute < 1) {
            problem.accept(f.getOrDefault("per_minute", m), "a schedule needs per_minute: the calls a minute each user may make after hours");
        }
        if (id == null || route == null || days.isEmpty() || opens == null || closes == null || perMinute < 1) {
            return null;
        }
        return new Schedule(id, file + ":" + YamlNodes.line(m), route, java.util.Set.copyOf(days), opens, closes, perMinute);
    }

    private static java.time.DayOfWeek dayOf(String s) {
        if (s == null) {
            return null;
        }
        for (java.time.DayOfWeek d : java.time.DayOfWeek.values()) {
            if (d.name().substring(0, 3).equalsIgnoreCase(s)) {
                return d;
            }
        }
        return null;
    }

    private Quota one(MappingNode m) {
        Map<String, Node> f = YamlNodes.fields(m, KEYS, "quota", problem);
        String id = id(m, f.get("id"));
        Quota.Scope scope = choice(m, f.get("scope"), "scope", Quota.Scope.class, null);
        String match = text(f.get("match"));
        if (f.containsKey("match") && (match == null || !NAME.matcher(match).matches())) {
            problem.accept(f.get("match"), "match must name one user, tenant or route (letters, digits and ._:@/-)");
        }
        Quota.Period period = choice(m, f.get("period"), "period", Quota.Period.class, null);
        double budget = number(f.get("budget_usd"), "budget_usd", 0, 1e9);
        long calls = (long) number(f.get("calls"), "calls", 0, 1e12);
        if (f.containsKey("calls") && calls != Math.floor(number(f.get("calls"), "calls", 0, 1e12))) {
            problem.accept(f.get("calls"), "calls must be a whole number");
        }
        if (budget <= 0 && calls <= 0) {
            problem.accept(m, "a quota needs budget_usd (dollars) or calls (a count), above 0");
        }
        Quota.Action action = choice(m, f.get("action"), "action", Quota.Action.class, Quota.Action.ALERT);
        long perMinute = (long) number(f.get("per_minute"), "per_minute", 0, 1_000_000);
        if (action == Quota.Action.THROTTLE && perMinute < 1) {
            problem.accept(f.getOrDefault("action", m), "action throttle needs per_minute (the rate allowed until the period ends), at least 1");
        } else if (action != Quota.Action.THROTTLE && f.containsKey("per_minute")) {
            problem.accept(f.get("per_minute"), "per_minute belongs to action throttle only");
        }
        List<Double> warnAt = warnAt(f.get("warn_at"));
        long tier = (long) number(f.get("tier"), "tier", 1, 3);
        if (!f.containsKey("tier")) {
            tier = 2;
        }
        if (id == null || scope == null || period == null || action == null) {
            return null;
        }
        return new Quota(id, file + ":" + YamlNodes.line(m), scope, match, period, budget, calls, warnAt, action,
                action == Quota.Action.THROTTLE ? perMinute : 0, (int) tier);
    }

    private String id(MappingNode m, Node n) {
        String id = text(n);
        if (id == null) {
            problem.accept(n == null ? m : n, "missing required key 'id'");
            return null;
        }
        if (!ID.matcher(id).matches()) {
            problem.accept(n, "id '" + id + "' must be lowercase letters, digits and '-' (at most 63)");
            return null;
        }
        if (seenIds.containsKey(id)) {
            problem.accept(n, "duplicate id '" + id + "' (first defined at " + seenIds.get(id) + ")");
            return null;
        }
        seenIds.put(id, file + ":" + YamlNodes.line(n));
        return id;
    }

    private <E extends Enum<E>> E choice(MappingNode m, Node n, String key, Class<E> type, E dflt) {
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        String v = text(n);
        if (v == null) {
            if (dflt == null) {
                problem.accept(n == null ? m : n, "missing required key '" + key + "' (one of " + String.join(", ", allowed) + ")");
            }
            return dflt;
        }
        if (!allowed.contains(v)) {
            problem.accept(n, key + " must be one of " + String.join(", ", allowed) + ", not '" + v + "'");
            return null;
        }
        return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    }

    private double number(Node n, String key, double min, double max) {
        if (n == null) {
            return 0;
        }
        try {
            double v = Double.parseDouble(String.valueOf(text(n)));
            if (Double.isFinite(v) && v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem.accept(n, key + " must be a number from " + fmt(min) + " to " + fmt(max) + ", not '" + text(n) + "'");
        return 0;
    }

    private List<Double> warnAt(Node n) {
        if (n == null) {
            return List.of();
        }
        if (!(n instanceof SequenceNode seq)) {
            problem.accept(n, "warn_at must be a list of fractions, e.g. [0.8]");
            return List.of();
        }
        List<Double> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            int before = problems;
            double v = number(item, "warn_at", 0, 1);
            if (problems > before) {
                continue;
            }
            if (v <= 0 || v >= 1) {
                problem.accept(item, "each warn_at fraction must lie strictly between 0 and 1 (0.8 warns at 80%)");
            } else {
                out.add(v);
            }
        }
        return List.copyOf(out.stream().sorted().distinct().toList());
    }

    private static String text(Node n) {
        String s = n == null ? null : YamlNodes.scalar(n);
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
