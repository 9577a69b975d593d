package dev.pilotlight.jobs.metrics;

/** The merged events of one series and window from one mini-batch. */
public record SeriesPartial(String seriesKey, SeriesAccumulator sums) {}
