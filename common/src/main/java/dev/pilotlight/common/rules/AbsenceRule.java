package dev.pilotlight.common.rules;

import java.time.Duration;
import java.util.List;

/**
 * Fires when a group that was seen goes silent for {@code silence} of event time: a gateway's
 * heartbeats stop, or (with no group labels) every gateway's do. Event time keeps moving when nothing
 * arrives (the watermark follows the clock on an idle source), and after a restart the replayed
 * heartbeats come first, so an upgrade pages nobody. A group silent for {@code forgetAfter} is
 * forgotten: its alert resolves as such and its state goes (gateway ids are new with every process).
 * A rule without group labels has one group and keeps firing until something arrives
 * ({@code forgetAfter} null, unless the file sets it).
 */
public record AbsenceRule(
        String id,
        String source,
        RuleStream stream,
        List<Condition> where,
        List<String> groupBy,
        Duration silence,
        Duration forgetAfter,
        RuleAction action,
        AlertTemplate alert) implements Rule {

    /** The default for rules with group labels. */
    public static final Duration DEFAULT_FORGET_AFTER = Duration.ofHours(24);
}
