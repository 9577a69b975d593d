package dev.pilotlight.jobs.metrics;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;

/** An invocation or a feedback event assigned to one metric series (exactly one of the two is set). */
public record SeriesEvent(String seriesKey, long timestamp, InvocationEvent invocation, FeedbackEvent feedback) {}
