package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one prompt serves: the production version, the one it replaced, and an optional candidate
 * that receives {@code candidateSplit} of users (sticky per user). Key of the compacted guard.releases
 * topic. Signed by the gateway that made the change ({@code CommandSigner}); gateways and the guard
 * job refuse a state whose signature is missing or wrong (docs/security.md).
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
        String reason,
        /** HMAC-SHA256 of the state without this field. */
        String signature,
        /** A canary ramp for the candidate: steps of share, each held for its bake time (docs/experiments.md); null for a plain split. */
        java.util.List<dev.pilotlight.common.experiment.RampStep> plan) {

    /** A state without a canary plan. */
    public ReleaseState(int schemaVersion, String promptId, String route, String productionVersion, String previousVersion,
                        String candidateVersion, double candidateSplit, long revision, long updatedAt, String updatedBy, String reason,
                        String signature) {
        this(schemaVersion, promptId, route, productionVersion, previousVersion, candidateVersion, candidateSplit, revision,
                updatedAt, updatedBy, reason, signature, null);
    }

    /** An unsigned state (signed when published). */
    public ReleaseState(int schemaVersion, String promptId, String route, String productionVersion, String previousVersion,
                        String candidateVersion, double candidateSplit, long revision, long updatedAt, String updatedBy, String reason) {
        this(schemaVersion, promptId, route, productionVersion, previousVersion, candidateVersion, candidateSplit, revision,
                updatedAt, updatedBy, reason, null);
    }

    public ReleaseState withSignature(String sig) {
        return new ReleaseState(schemaVersion, promptId, route, productionVersion, previousVersion, candidateVersion,
                candidateSplit, revision, updatedAt, updatedBy, reason, sig, plan);
    }

    /** This state carrying a canary plan. */
    public ReleaseState withPlan(java.util.List<dev.pilotlight.common.experiment.RampStep> steps) {
        return new ReleaseState(schemaVersion, promptId, route, productionVersion, previousVersion, candidateVersion,
                candidateSplit, revision, updatedAt, updatedBy, reason, signature, steps);
    }
}
