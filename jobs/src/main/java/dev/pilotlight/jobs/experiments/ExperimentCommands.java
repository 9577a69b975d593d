package dev.pilotlight.jobs.experiments;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.experiment.ExperimentState.Decision;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns an experiment's decisions into unsigned commands (signed by the same step as every other
 * module's) and tier-2 alerts. Ids are derived from the experiment and the decision, so a decision
 * replayed after a restart is the same command, dropped by the gateways; every command names the release
 * revision it was decided on, so one that arrives after the release changed is a no-op.
 */
public final class ExperimentCommands implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String ISSUER = "pilotlight-guard/experiments";
    public static final String DECISION_RULE = "experiment-decision";
    public static final String PAUSE_RULE = "experiment-paused";
    public static final String RAMP_RULE = "experiment-ramp";
    static final String RUNBOOK = "docs/runbooks/experiments.md";

    private final long ttlMs;

    public ExperimentCommands(Duration commandTtl) {
        this.ttlMs = commandTtl.toMillis();
    }

    /** How long a command stays valid. */
    public long ttlMs() {
        return ttlMs;
    }

    /** The command a decision issues: the candidate promoted, or removed (lost, broke a guardrail, or no difference). */
    public ControlCommand decided(Experiment e, Decision d, String alertId, long now) {
        Map<String, String> params = new LinkedHashMap<>();
        CommandType type;
        if (d == Decision.PROMOTE) {
            type = CommandType.PROMOTE_VARIANT;
            params.put("version", e.candidate);
        } else {
            type = CommandType.ROLLBACK_PROMPT;
            params.put("fromVersion", e.candidate);
            params.put("toVersion", e.production);
            params.put("route", e.route);
        }
        params.put("revision", String.valueOf(e.revision));
        return command(type, e, params, DecisionIds.of("cmd", "experiment", e.experimentId, d.name()), e.reason, alertId, now);
    }

    /** The command that moves a ramp to {@code step}. */
    public ControlCommand split(Experiment e, int step, double share, String reason, long now) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("split", String.valueOf(share));
        params.put("candidate", e.candidate);
        params.put("revision", String.valueOf(e.revision));
        return command(CommandType.SET_SPLIT, e, params, DecisionIds.of("cmd", "experiment", e.experimentId, "step" + step), reason, null, now);
    }

    private ControlCommand command(CommandType type, Experiment e, Map<String, String> params, String id, String reason, String alertId, long now) {
        return new ControlCommand(SchemaVersion.CURRENT, id, now, type, e.promptId, params, reason, alertId, ISSUER, now + ttlMs, null);
    }

    /** The id of the alert a decision or pause raises (one per experiment and kind). */
    public static String alertId(Experiment e, String rule) {
        return DecisionIds.of("alert", rule, e.experimentId);
    }

    /** A tier-2 alert: FIRING when the experiment decides or pauses, RESOLVED when it ends. */
    public static Alert alert(Experiment e, String rule, Alert.State state, long startsAt, Long endsAt, String summary, String commandId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("route", e.route);
        labels.put("promptId", e.promptId);
        labels.put("experimentId", e.experimentId);
        labels.put("production", e.production);
        labels.put("candidate", e.candidate);
        if (e.decision != null) {
            labels.put("decision", e.decision.name());
        }
        double value = e.pValue != null ? e.pValue : e.srmPValue != null ? e.srmPValue : Double.NaN;
        return new Alert(SchemaVersion.CURRENT, alertId(e, rule), rule, 2, state, labels, Double.isFinite(value) ? value : 0, 0,
                startsAt, endsAt, summary, RUNBOOK, commandId, null);
    }
}
