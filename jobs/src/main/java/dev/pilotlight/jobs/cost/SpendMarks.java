package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.cost.Quota;
import java.util.HashMap;
import java.util.Map;

/**
 * What quotas, forecasts and schedules have done on one account this period (a Flink POJO: keyed state
 * read only when a quota reaches its first warning, a period ends, or the route has a schedule).
 * {@code levels}, {@code issuedAt}, {@code issues} and {@code fired} are keyed by {@code day|quotaId} or
 * {@code month|quotaId}, so a period's end clears exactly its own quotas' marks.
 */
public class SpendMarks {
    public static final int EXCEEDED = 1000;

    /** The highest level each quota reached this period: the number of warnings passed, or {@link #EXCEEDED}. */
    public Map<String, Integer> levels = new HashMap<>();
    /** When each used-up quota's command last went out, and how many times. */
    public Map<String, Long> issuedAt = new HashMap<>();
    public Map<String, Integer> issues = new HashMap<>();
    /** The alerts raised this period, to resolve when it ends: {@code period|quotaId|fraction} → fraction (1 for used up). */
    public Map<String, Double> fired = new HashMap<>();
    /** Spend of the last complete days of the month (day start → micro-dollars), for the forecast. */
    public Map<Long, Long> days = new HashMap<>();
    /** Monthly quotas whose forecast alert went out this month → when their forecast first reached the budget. */
    public Map<String, Long> forecasts = new HashMap<>();
    /** A route's schedules throttled for the current off-hours period → when that period ends. */
    public Map<String, Long> offHours = new HashMap<>();

    public SpendMarks() {}

    /** Clears the marks of the day's (or the month's) quotas. */
    void reset(Quota.Period p) {
        String prefix = key(p, "");
        levels.keySet().removeIf(k -> k.startsWith(prefix));
        issuedAt.keySet().removeIf(k -> k.startsWith(prefix));
        issues.keySet().removeIf(k -> k.startsWith(prefix));
        fired.keySet().removeIf(k -> k.startsWith(prefix));
        if (p == Quota.Period.MONTH) {
            days.clear();
            forecasts.clear();
        }
    }

    boolean isEmpty() {
        return levels.isEmpty() && issuedAt.isEmpty() && issues.isEmpty() && fired.isEmpty() && days.isEmpty() && forecasts.isEmpty()
                && offHours.isEmpty();
    }

    static String key(Quota.Period p, String quotaId) {
        return (p == Quota.Period.DAY ? "day|" : "month|") + quotaId;
    }
}
