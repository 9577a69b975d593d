package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The histograms behind one release's drift scores of one window, both sides, on guard.drift (docs/drift.md):
 * what reports draw and what a pinned baseline is captured from.
 *
 * @param current    feature → bin or category → count in this window
 * @param references reference kind (baseline, previous_release, trailing) → feature → bin → count
 * @param missing    feature → events of this window that carried no value for it
 * @param releaseChanges the route's release changes from {@code release_lookback} before the window to its end, newest first
 */
public record DriftSnapshot(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String route,
        @JsonProperty(required = true) String promptVersion,
        @JsonProperty(required = true) long windowStart,
        @JsonProperty(required = true) long windowEnd,
        Map<String, Map<String, Long>> current,
        Map<String, Map<String, Map<String, Long>>> references,
        Map<String, Long> missing,
        List<DriftScore> scores,
        List<ReleaseChange> releaseChanges) {}
