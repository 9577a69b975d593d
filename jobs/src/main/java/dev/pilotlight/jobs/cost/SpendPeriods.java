package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.cost.Quota;

/**
 * One account's spend and calls in its current day and calendar month (a Flink POJO of primitives:
 * read and written on every call, so it stays a few dozen bytes). What quotas have done this period
 * is in {@link SpendMarks}, touched only when a quota is nearly used up or a period ends.
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

    public SpendPeriods() {}

    /** Clears the day's (or the month's) totals. */
    void reset(Quota.Period p) {
        if (p == Quota.Period.DAY) {
            dayStart = dayEnd = dayMicros = dayCalls = 0;
        } else {
            monthStart = monthEnd = monthMicros = monthCalls = 0;
        }
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
