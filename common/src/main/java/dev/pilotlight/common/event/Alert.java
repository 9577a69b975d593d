package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A FIRING or RESOLVED transition of one alert episode (docs/contract.md, "Alerts"). */
public record Alert(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String alertId,
        @JsonProperty(required = true) String ruleId,
        @JsonProperty(required = true) int tier,
        @JsonProperty(required = true) State state,
        Map<String, String> labels,
        double value,
        double threshold,
        @JsonProperty(required = true) long startsAt,
        Long endsAt,
        String summary,
        String runbook,
        /** commandId of the action this alert triggered, if any. */
        String commandId,
        /** Version of the rule set that decided this transition (see guard.rules). */
        String rulesVersion) {

    public enum State { FIRING, RESOLVED }

    /** This episode's RESOLVED transition, ended at {@code at}. */
    public Alert resolved(long at) {
        return new Alert(schemaVersion, alertId, ruleId, tier, State.RESOLVED, labels, value, threshold, startsAt, at, summary, runbook,
                commandId, rulesVersion);
    }

    /** The same transition, its summary prefixed with why it happened. */
    public Alert explained(String why) {
        return new Alert(schemaVersion, alertId, ruleId, tier, state, labels, value, threshold, startsAt, endsAt,
                summary == null ? why : why + ": " + summary, runbook, commandId, rulesVersion);
    }
}
