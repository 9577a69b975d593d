package dev.pilotlight.jobs.feedback;

/**
 * A rater's ratings do not count from {@code since} (the start of the window they were caught in) to {@code until};
 * {@code flaggedAt} names the alert episode.
 */
public record Exclusion(long since, long until, long flaggedAt) {
    boolean covers(long t) {
        return t >= since && t < until;
    }
}
