package dev.pilotlight.common.rules;

import java.time.Duration;
import java.util.List;

/**
 * Fires when a group that was seen goes silent for {@code silence} of wall-clock time: a gateway's
 * heartbeats stop, or (with no group labels) every gateway's do. Measured in processing time, since
 * silence moves no event-time clock.
 */
public record AbsenceRule(
        String id,
        String source,
        RuleStream stream,
        List<Condition> where,
        List<String> groupBy,
        Duration silence,
        RuleAction action,
        AlertTemplate alert) implements Rule {}
