package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The aggregates of one series over one tumbling event-time window (docs/architecture.md, "Changes to the contract": MetricSample).
 * A series is a {@code release} (route, promptVersion, variant, model), a {@code tenant}, or a
 * {@code drift} score (route, promptVersion, feature, kind, reference: docs/drift.md) whose figures are in {@code values}. Late
 * events within the allowed lateness re-emit the window with a higher {@code revision}; a consumer
 * keeps the highest (the InfluxDB writer overwrites the point with the same tags and time).
 * Ratios are null when their denominator is zero; latencies when there were no calls.
 */
public record MetricSample(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String seriesKey,
        @JsonProperty(required = true) String dimension,
        Map<String, String> labels,
        @JsonProperty(required = true) long windowStart,
        @JsonProperty(required = true) long windowEnd,
        int revision,
        long calls,
        long errors,
        Double errorRate,
        Double latencyP50Ms,
        Double latencyP95Ms,
        Double latencyP99Ms,
        long inputTokens,
        long outputTokens,
        double spendUsd,
        Double costPerCallUsd,
        long cacheHits,
        Double cacheHitRatio,
        long fallbacks,
        Double fallbackRatio,
        long injectionAttempts,
        long uniqueUsers,
        long feedback,
        long thumbsUp,
        long thumbsDown,
        Double thumbsDownShare,
        Double acceptanceRate,
        /** Dimension {@code drift} only: psi, js_distance, wasserstein, p_value, score, threshold, drifted (1/0), change, reference_count. */
        java.util.Map<String, Double> values) {}
