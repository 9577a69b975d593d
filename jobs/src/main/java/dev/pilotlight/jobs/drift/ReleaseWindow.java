package dev.pilotlight.jobs.drift;

/** The counts of one prompt release's events in one drift window. */
public record ReleaseWindow(String route, String promptVersion, long windowStart, long windowEnd, DriftHistograms histograms) {}
