package dev.pilotlight.jobs.drift;

/**
 * What a window is compared with: {@code baseline} (pinned), {@code previous_release} or {@code trailing},
 * a label saying which exactly, and its counts.
 */
public record DriftReference(String kind, String label, DriftHistograms counts) {
    public static final String BASELINE = "baseline";
    public static final String PREVIOUS_RELEASE = "previous_release";
    public static final String TRAILING = "trailing";
}
