package dev.pilotlight.common.rules;

import java.time.Duration;
import java.util.List;

/**
 * A sequence of events per group, compiled to a Flink CEP pattern: {@code count} (first matches
 * {@code times} times within {@code within}), {@code followed_by} (first, then {@code then} within),
 * {@code not_followed_by} (first, and no {@code then} within). Changing one needs a redeploy.
 *
 * @param keepFiringFor the alert resolves after this long without a new match
 */
public record SequenceRule(
        String id,
        String source,
        RuleStream stream,
        Kind kind,
        List<Condition> first,
        List<Condition> then,
        int times,
        Duration within,
        List<String> groupBy,
        Duration keepFiringFor,
        RuleAction action,
        AlertTemplate alert) implements Rule {

    public enum Kind { COUNT, FOLLOWED_BY, NOT_FOLLOWED_BY }
}
