package dev.pilotlight.jobs.alerting;

import java.util.List;

/**
 * One event's contribution to one threshold rule's group: what the evaluator keyed by {@code key}
 * (rule id and group values) needs, and nothing of the event beyond it.
 *
 * @param distinctKey the user id for distinct-count metrics, else null
 */
public record RuleInput(String ruleId, String key, List<String> groupValues, long timestamp, double numerator,
                        double denominator, String distinctKey) {

    public static String keyOf(String ruleId, List<String> groupValues) {
        return ruleId + "|" + String.join("|", groupValues);
    }
}
