package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.cost.Quota;
import java.util.HashMap;
import java.util.Map;

/**
 * One account's spend and calls in its current day and calendar month (a Flink POJO: keyed state).
 * {@code levels} and {@code issued} are keyed by {@code day|quotaId} or {@code month|quotaId}, so a
 * period's rollover clears exactly its own quotas' warnings and commands.
 */
public class SpendPeriods {
    public long dayStart;
    public long dayEnd;
    public long dayMicros;
    public long dayCalls;
    public long monthStart;
    public long monthEnd;
    public long monthMicros;
    public long monthCalls;
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

    public static final int EXCEEDED = 1000;

    public SpendPeriods() {}

    /** Clears the day (or month) part and its quotas' marks. */
    void reset(Quota.Period p) {
        String prefix = key(p, "");
        levels.keySet().removeIf(k -> k.startsWith(prefix));
        issuedAt.keySet().removeIf(k -> k.startsWith(prefix));
        issues.keySet().removeIf(k -> k.startsWith(prefix));
        fired.keySet().removeIf(k -> k.startsWith(prefix));
        if (p == Quota.Period.DAY) {
            dayStart = dayEnd = dayMicros = dayCalls = 0;
        } else {
            monthStart = monthEnd = monthMicros = monthCalls = 0;
            days.clear();
            forecasts.clear();
        }
    }

    static String key(Quota.Period p, String quotaId) {
        return (p == Quota.Period.DAY ? "day|" : "month|") + quotaId;
    }

    long micros(Quota.Period p) {
        return p == Quota.Period.DAY ? dayMicros : monthMicros;
    }

    long calls(Quota.Period p) {
        return p == Quota.Period.DAY ? dayCalls : monthCalls;
    }

    long start(Quota.Period p) {
        return p == Quota.Period.DAY ? dayStart : monthStart;
    }

    long end(Quota.Period p) {
        return p == Quota.Period.DAY ? dayEnd : monthEnd;
    }
}
