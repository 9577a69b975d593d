package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one prompt serves: the production version, the one it replaced, and an optional candidate
 * that receives {@code candidateSplit} of users (sticky per user). Key of the compacted guard.releases topic.
 */
public record ReleaseState(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String promptId,
        @JsonProperty(required = true) String route,
        @JsonProperty(required = true) String productionVersion,
        String previousVersion,
        String candidateVersion,
        double candidateSplit,
        /** Increases with every change; part of the id of a decision about this release. */
        @JsonProperty(required = true) long revision,
        @JsonProperty(required = true) long updatedAt,
        String updatedBy,
        String reason) {}
