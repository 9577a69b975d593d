package dev.pilotlight.common.rules;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What a threshold rule measures over its window. Each event contributes a numerator and a
 * denominator (the denominator counts toward {@code min_samples}); quantiles take a value into a
 * histogram, {@code active_users} a user id into a cardinality sketch.
 */
public enum Metric {
    CALLS(RuleStream.INVOCATIONS, Aggregation.COUNT, e -> 1),
    ERRORS(RuleStream.INVOCATIONS, Aggregation.SUM, e -> inv(e).status().isFailure() ? 1 : 0),
    /** Failures among the calls a model answered or failed (refusals before a model and cancelled streams do not count). */
    ERROR_RATE(RuleStream.INVOCATIONS, Aggregation.RATIO, e -> inv(e).status().isFailure() ? 1 : 0, Metric::reachedModel),
    LATENCY_P50(RuleStream.INVOCATIONS, Aggregation.QUANTILE, e -> inv(e).latencyMs(), Metric::reachedModel, 0.50),
    LATENCY_P95(RuleStream.INVOCATIONS, Aggregation.QUANTILE, e -> inv(e).latencyMs(), Metric::reachedModel, 0.95),
    LATENCY_P99(RuleStream.INVOCATIONS, Aggregation.QUANTILE, e -> inv(e).latencyMs(), Metric::reachedModel, 0.99),
    TOKENS(RuleStream.INVOCATIONS, Aggregation.SUM, e -> inv(e).inputTokens() + inv(e).outputTokens()),
    SPEND(RuleStream.INVOCATIONS, Aggregation.SUM, e -> inv(e).costUsd()),
    /** Mean cost of the calls that succeeded: failed calls cost little or nothing and would drag a baseline down. */
    COST_PER_CALL(RuleStream.INVOCATIONS, Aggregation.RATIO, e -> succeeded(e) * inv(e).costUsd(), Metric::succeeded),
    CACHE_HIT_RATIO(RuleStream.INVOCATIONS, Aggregation.RATIO, e -> inv(e).cacheHit() ? 1 : 0),
    FALLBACK_RATIO(RuleStream.INVOCATIONS, Aggregation.RATIO, e -> inv(e).fallbackUsed() ? 1 : 0),
    /** Calls the gateway's injection scorer flagged or blocked. */
    INJECTION_ATTEMPTS(RuleStream.INVOCATIONS, Aggregation.SUM,
            e -> inv(e).outputFlags() != null && inv(e).outputFlags().contains("injection") ? 1 : 0),
    ACTIVE_USERS(RuleStream.INVOCATIONS, Aggregation.DISTINCT, e -> 1),
    /** Feedback given; a rating given again replaces the earlier one (its retraction counts -1). */
    FEEDBACK(RuleStream.FEEDBACK, Aggregation.COUNT, e -> fb(e).sign(), e -> fb(e).sign()),
    /** Share of rated feedback that is thumbs-down; feedback without a rating does not count. */
    THUMBS_DOWN_SHARE(RuleStream.FEEDBACK, Aggregation.RATIO, e -> fb(e).rating() == FeedbackEvent.Rating.DOWN ? fb(e).sign() : 0,
            e -> fb(e).rating() == null ? 0 : fb(e).sign()),
    /** Share of answers accepted as is or with minor edits, of feedback that states acceptance. */
    ACCEPTANCE_RATE(RuleStream.FEEDBACK, Aggregation.RATIO, e -> fb(e).acceptance() == FeedbackEvent.Acceptance.ACCEPTED
            || fb(e).acceptance() == FeedbackEvent.Acceptance.MINOR_EDITS ? fb(e).sign() : 0,
            e -> fb(e).acceptance() == null ? 0 : fb(e).sign()),
    HEARTBEATS(RuleStream.HEARTBEATS, Aggregation.COUNT, e -> 1),
    REJECTED_COMMANDS(RuleStream.REJECTED_COMMANDS, Aggregation.COUNT, e -> 1),
    /** Mean PSI of the drift scores in the window (those with a score). */
    DRIFT_PSI(RuleStream.DRIFT, Aggregation.RATIO, e -> drift(e).psi() == null ? 0 : drift(e).psi(), e -> drift(e).psi() == null ? 0 : 1),
    /** Share of the window's drift scores whose test says drifted (those with a decision). */
    DRIFT_DETECTED(RuleStream.DRIFT, Aggregation.RATIO, e -> Boolean.TRUE.equals(drift(e).drifted()) ? 1 : 0,
            e -> drift(e).drifted() == null ? 0 : 1);

    /** How contributions combine into the metric's value. */
    public enum Aggregation {
        /** number of events (the sum of denominators) */
        COUNT,
        /** sum of numerators */
        SUM,
        /** sum of numerators / sum of denominators: rates, shares and means */
        RATIO,
        /** a quantile of the numerators, from a histogram */
        QUANTILE,
        /** distinct users, from a cardinality sketch */
        DISTINCT
    }

    private final RuleStream stream;
    private final Aggregation aggregation;
    private final ToDoubleFunction<Object> numerator;
    private final ToDoubleFunction<Object> denominator;
    private final double quantile;

    Metric(RuleStream stream, Aggregation aggregation, ToDoubleFunction<Object> numerator) {
        this(stream, aggregation, numerator, e -> 1, Double.NaN);
    }

    Metric(RuleStream stream, Aggregation aggregation, ToDoubleFunction<Object> numerator, ToDoubleFunction<Object> denominator) {
        this(stream, aggregation, numerator, denominator, Double.NaN);
    }

    Metric(RuleStream stream, Aggregation aggregation, ToDoubleFunction<Object> numerator, ToDoubleFunction<Object> denominator,
           double quantile) {
        this.stream = stream;
        this.aggregation = aggregation;
        this.numerator = numerator;
        this.denominator = denominator;
        this.quantile = quantile;
    }

    public RuleStream stream() {
        return stream;
    }

    public Aggregation aggregation() {
        return aggregation;
    }

    /** 0.95 for latency_p95; NaN for metrics that are not quantiles. */
    public double quantile() {
        return quantile;
    }

    public double numerator(Object event) {
        return numerator.applyAsDouble(event);
    }

    /** What the event counts toward the window's samples (and a ratio's denominator): 1, 0, or -1 for a retraction. */
    public double denominator(Object event) {
        return denominator.applyAsDouble(event);
    }

    /** Rates and shares lie between 0 and 1; a threshold outside that range is a mistake. */
    public boolean isShare() {
        return this == ERROR_RATE || this == CACHE_HIT_RATIO || this == FALLBACK_RATIO || this == THUMBS_DOWN_SHARE
                || this == ACCEPTANCE_RATE || this == DRIFT_DETECTED;
    }

    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Metric ofYaml(String s) {
        return Arrays.stream(values()).filter(m -> m.yamlName().equals(s)).findFirst().orElse(null);
    }

    private static double reachedModel(Object e) {
        return inv(e).status().reachedModel() ? 1 : 0;
    }

    private static double succeeded(Object e) {
        return inv(e).status() == InvocationStatus.OK ? 1 : 0;
    }

    private static InvocationEvent inv(Object e) {
        return (InvocationEvent) e;
    }

    private static dev.pilotlight.common.event.DriftScore drift(Object e) {
        return (dev.pilotlight.common.event.DriftScore) e;
    }

    private static FeedbackEvent fb(Object e) {
        return (FeedbackEvent) e;
    }
}
