package dev.pilotlight.common.experiment;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * A prompt's current release experiment: value of the compacted guard.experiments topic (key:
 * promptId), published by the guard job at every change of status and while it runs
 * (docs/experiments.md). The last record of a prompt says how its last experiment ended.
 *
 * @param experimentId   the prompt, both versions and the release revision the experiment began at
 * @param startRevision  the release revision that introduced the candidate against this production
 * @param revision       the release revision the figures were last judged on
 * @param mode           {@code ab} (a fixed split and a verdict) or {@code canary} (a ramp of steps)
 * @param method         {@code fixed} (one chi-square test at the horizon) or {@code sequential} (an always-valid p-value)
 * @param decision       what the experiment decided, null while none
 * @param reason         why it is in this status, with the figures that say so
 * @param pValue         the primary test's p-value: the chi-square's once decided (fixed), the always-valid one (sequential)
 * @param effect         candidate acceptance minus production acceptance, with its 95% interval
 * @param srmPValue      the sample-ratio check's p-value on the users of the current split
 * @param samplesNeeded  ratings each arm needs before the verdict (the horizon)
 * @param commandId      the command the decision issued, if any
 * @param ramp           the canary plan's steps and history (mode canary only)
 * @param signature      HMAC-SHA256 with the control key, as for commands: gateways show only signed states
 */
public record ExperimentState(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String experimentId,
        @JsonProperty(required = true) String promptId,
        String route,
        @JsonProperty(required = true) String productionVersion,
        @JsonProperty(required = true) String candidateVersion,
        double split,
        long startRevision,
        long revision,
        long startedAt,
        String mode,
        String method,
        @JsonProperty(required = true) Status status,
        Decision decision,
        String reason,
        List<ArmSummary> arms,
        Double pValue,
        Double effect,
        Double effectLow,
        Double effectHigh,
        Double srmPValue,
        long samplesNeeded,
        String commandId,
        RampProgress ramp,
        @JsonProperty(required = true) long updatedAt,
        String signature) {

    public ExperimentState withSignature(String sig) {
        return new ExperimentState(schemaVersion, experimentId, promptId, route, productionVersion, candidateVersion, split,
                startRevision, revision, startedAt, mode, method, status, decision, reason, arms, pValue, effect, effectLow, effectHigh,
                srmPValue, samplesNeeded, commandId, ramp, updatedAt, sig);
    }

    public enum Status {
        /** collecting samples */
        RUNNING,
        /** no decision will be taken: assignment looks broken or ratings too concentrated; an admin must look */
        PAUSED,
        /** the experiment decided; its command is on its way */
        DECIDED,
        /** the release no longer has this candidate */
        ENDED
    }

    public enum Decision {
        /** the candidate won: it becomes production */
        PROMOTE,
        /** the candidate lost or broke a guardrail: it is removed */
        ROLLBACK,
        /** no significant difference (or not enough samples) by the end: production stays, the candidate is removed */
        KEEP_PRODUCTION
    }
}
