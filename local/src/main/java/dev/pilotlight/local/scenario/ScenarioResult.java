package dev.pilotlight.local.scenario;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The one-line JSON summary a CI pipeline gates on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScenarioResult(String scenario, boolean passed, String rolledBackTo, Long detectToApplyMs,
                             Long releaseToApplyMs, long callsOnBadRelease, long failedCalls, String alertId,
                             String commandId, String reason) {}
