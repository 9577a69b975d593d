package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.rules.Metric;
import java.util.List;

/**
 * One event's contribution to one threshold rule's group, or the merged contributions of several
 * (see {@link RuleInputBatcher}): what the evaluator keyed by {@code key} (rule id and group values)
 * needs, and nothing of the events beyond it.
 *
 * @param key         rule id and group values; null from the matcher, see {@link #key()}
 * @param numerator   sum of numerators; for a single event of a quantile metric, the value itself
 * @param distinctKey the user id of a single event of a distinct-count metric
 * @param histogram   merged values of a quantile metric (encoded), when several events were merged
 * @param distinct    merged users of a distinct-count metric (encoded), when several events were merged
 * @param releaseTotals the rule compares releases (baseline previous_release): also add this to the release's totals
 */
public record RuleInput(String ruleId, String key, List<String> groupValues, long timestamp, double numerator,
                        double denominator, Metric.Aggregation aggregation, String distinctKey, byte[] histogram,
                        byte[] distinct, boolean releaseTotals) {

    /** The evaluator's key; the matcher leaves it out and it is built here, once per merged input rather than per event. */
    @Override
    public String key() {
        return key != null ? key : keyOf(ruleId, groupValues);
    }

    public static String keyOf(String ruleId, List<String> groupValues) {
        return ruleId + "|" + String.join("|", groupValues);
    }
}
