package dev.pilotlight.jobs.cost;

/** One release's output tokens per call: the window being counted and the average of the windows before (keyed state). */
public class TokenHistory {
    public long windowStart;
    public long calls;
    public long tokens;
    /** Exponentially weighted average of earlier windows' tokens per call, and how many windows it holds. */
    public double usual;
    public int windows;
    public String openAlert;
    public long openSince;
    /** The timer that drops the state after a quiet day, moved each time a window closes. */
    public long quietTimer;

    public TokenHistory() {}
}
