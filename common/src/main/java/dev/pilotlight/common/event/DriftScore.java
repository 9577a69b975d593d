package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How far one feature of one prompt release has moved in one drift window, against one reference
 * (docs/drift.md). Rules read these as the {@code drift} stream; guard.metrics carries them as
 * MetricSamples of dimension {@code drift}. Scores are null when either side has fewer samples than
 * the minimum ({@code status: insufficient_data}): no score is better than a noisy one.
 *
 * @param kind           input, output or performance
 * @param reference      baseline (pinned), previous_release or trailing
 * @param referenceLabel what the reference was: the baseline's period, the previous version, the trailing windows
 * @param method         the test that decides {@code drifted}: chi_square, jensen_shannon, wasserstein, two_proportion
 * @param score          that test's value (a distance, or the p-value of a test)
 * @param threshold      the value at which {@code score} means drift (a distance above it, a p-value below it)
 * @param change         performance features: current rate minus reference rate (negative is a decline)
 * @param releaseChanges release changes of the route near this window, newest first ("1.3.0 to production 40 min before the window ended")
 */
public record DriftScore(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String route,
        @JsonProperty(required = true) String promptVersion,
        @JsonProperty(required = true) String feature,
        @JsonProperty(required = true) String kind,
        @JsonProperty(required = true) String reference,
        String referenceLabel,
        @JsonProperty(required = true) long windowStart,
        @JsonProperty(required = true) long windowEnd,
        long currentCount,
        long referenceCount,
        @JsonProperty(required = true) String status,
        Double psi,
        Double jsDistance,
        Double wasserstein,
        Double pValue,
        String method,
        Double score,
        Double threshold,
        Boolean drifted,
        Double change,
        List<String> releaseChanges) {

    public static final String SCORED = "scored";
    public static final String INSUFFICIENT_DATA = "insufficient_data";
}
