package dev.pilotlight.jobs.cost;

/** The hour an account is in, as the anomaly detector counts it (keyed state of primitives, touched on every call). */
public class HourCounter {
    public long hourStart;
    public double spend;
    public long calls;
    /** The week the account was first seen in: weeks before it are not history. */
    public long firstWeek;
    public long idleTimer;

    public HourCounter() {}
}
