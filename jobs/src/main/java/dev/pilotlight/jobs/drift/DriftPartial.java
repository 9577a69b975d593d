package dev.pilotlight.jobs.drift;

/** Counts of some events of one release (route|version) and drift window, merged on the heap before the window's state is touched. */
public record DriftPartial(String key, DriftHistograms counts) {}
