package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.jobs.sketch.DistinctSketch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A route's days as the scorecard reads them: the tallies and active-user sketches of the trailing window
 * (the current, partial day included), from which tier-1 usage, tier-2 quality and the daily series follow.
 * The window's total and each day's active users are computed once, when it is made.
 */
public final class UsageWindow {
    private final UsageSettings s;
    private final long today;
    private final long from;
    private final Map<Long, DayTally> tallies;
    private final Map<Long, byte[]> sketches;
    private final DayTally total;
    /** Active users of each day of the window, from its first day. */
    private final long[] active;

    /**
     * @param today    the usage day of the scorecard's moment
     * @param firstDay the route's first day with a call (the window never starts before it)
     * @param tallies  day → tally, for every day kept
     * @param sketches day → encoded active-user sketch
     */
    public UsageWindow(UsageSettings s, long today, long firstDay, Map<Long, DayTally> tallies, Map<Long, byte[]> sketches) {
        this.s = s;
        this.today = today;
        this.from = Math.max(firstDay, today - s.scorecardDays() + 1);
        this.tallies = tallies;
        this.sketches = sketches;
        DayTally t = DayTally.EMPTY;
        this.active = new long[(int) Math.max(0, today - from + 1)];
        for (long d = from; d <= today; d++) {
            t = t.plus(tallies.getOrDefault(d, DayTally.EMPTY));
            byte[] sketch = sketches.get(d);
            active[(int) (d - from)] = sketch == null ? 0 : Math.round(DistinctSketch.estimate(List.of(sketch)));
        }
        this.total = t;
    }

    /** Days observed so far in the window (at least 1). */
    int observedDays() {
        return (int) Math.max(1, today - from + 1);
    }

    DayTally total() {
        return total;
    }

    private long activeUsers(long day) {
        return day < from || day > today ? 0 : active[(int) (day - from)];
    }

    /** Distinct users over the {@code days} days ending today. */
    long distinctUsers(int days) {
        List<byte[]> all = new ArrayList<>();
        for (long d = today - days + 1; d <= today; d++) {
            byte[] b = sketches.get(d);
            if (b != null) {
                all.add(b);
            }
        }
        return Math.round(DistinctSketch.estimate(all));
    }

    Scorecard.Usage usage(Integer targetUsers, Integer activeTargetUsers) {
        DayTally t = total;
        long userDays = java.util.Arrays.stream(active).sum();
        double avgDau = (double) userDays / observedDays();
        long mau = distinctUsers(30);
        return new Scorecard.Usage(activeUsers(today), avgDau, distinctUsers(7), mau, mau == 0 ? 0 : avgDau / mau,
                userDays == 0 ? 0 : (double) t.calls() / userDays, t.calls(), t.errors(), t.sessions(),
                t.sessions() == 0 ? 0 : t.sessionSeconds() / t.sessions(), targetUsers, activeTargetUsers);
    }

    Scorecard.Quality quality() {
        DayTally t = total;
        return new Scorecard.Quality(t.acceptanceAnswers(), t.accepted(), share(t.accepted(), t.acceptanceAnswers()), t.thumbsUp(),
                t.thumbsDown(), share(t.thumbsUp(), t.thumbsUp() + t.thumbsDown()), share(t.errors(), t.calls()), t.scores(),
                t.scores() <= 0 ? null : t.scoreSum() / t.scores());
    }

    List<Scorecard.Day> daily() {
        List<Scorecard.Day> out = new ArrayList<>();
        for (long d = from; d <= today; d++) {
            DayTally t = tallies.getOrDefault(d, DayTally.EMPTY);
            out.add(new Scorecard.Day(d * s.dayMs(), activeUsers(d), t.calls(), t.errors(), t.acceptanceAnswers(), t.accepted(), t.scores(),
                    t.scoreSum(), t.secondsSaved(), t.valueUsd(), t.costUsd()));
        }
        return out;
    }

    private static Double share(long part, long whole) {
        return whole <= 0 ? null : (double) part / whole;
    }
}
