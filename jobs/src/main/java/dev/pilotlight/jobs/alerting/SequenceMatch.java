package dev.pilotlight.jobs.alerting;

import java.util.List;

/** One match of a sequence rule's pattern for one group. */
public record SequenceMatch(String ruleId, String key, List<String> groupValues, int events, long eventTime) {}
