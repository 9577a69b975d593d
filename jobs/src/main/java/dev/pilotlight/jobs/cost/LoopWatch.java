package dev.pilotlight.jobs.cost;

/** One user's recent calls as the runaway-loop detector sees them (a Flink POJO: keyed state). */
public class LoopWatch {
    /** Start of the minute being counted, and its calls so far. */
    public long minuteStart;
    public int minuteCalls;
    /** The user's usual calls per minute (an exponentially weighted average of past minutes) and how many minutes it holds. */
    public double usualPerMinute;
    public int minutesSeen;
    /** Start of the current repeat window (how often each request came in it is map state of its own) and how many distinct requests. */
    public long windowStart;
    public int fingerprints;
    /** Until when a throttle this detector issued is in force (no second one before). */
    public long throttledUntil;
    /** When that throttle was decided (event time): its alert's id, resolved when the throttle ends. */
    public long throttledAt;
    public String tenant;
    /** The idle timer set, so a new call moves it instead of adding one. */
    public long idleTimer;

    public LoopWatch() {}
}
