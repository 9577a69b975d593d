package dev.pilotlight.common.rules;

import java.time.Duration;
import java.util.List;

/**
 * A metric over a sliding window per group, compared with a threshold (absolute, or a factor of a
 * baseline), with Prometheus' {@code for} and {@code keep_firing_for}; with {@code min_users}, only
 * evidence from at least that many distinct users counts (one caller cannot roll back a release). With {@code atWindowEnd}
 * ({@code evaluate: at_window_end}) it is decided once per aligned window (a calendar day for 1d):
 * the daily dashboard's "today against yesterday".
 */
public record ThresholdRule(
        String id,
        String source,
        Metric metric,
        List<Condition> where,
        List<String> groupBy,
        Duration window,
        Comparison op,
        double threshold,
        Baseline baseline,
        long minSamples,
        /** Distinct users the window's evidence must come from before the condition can hold (0: no minimum). */
        long minUsers,
        Duration holdFor,
        Duration keepFiringFor,
        boolean atWindowEnd,
        RuleAction action,
        AlertTemplate alert) implements Rule {

    @Override
    public RuleStream stream() {
        return metric.stream();
    }

    /** The threshold in the metric's unit: a factor of the baseline for relative rules. */
    public double effectiveThreshold(double baselineValue) {
        return baseline == null ? threshold : threshold * baselineValue;
    }
}
