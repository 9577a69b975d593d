package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.cost.Quota;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.SchemaVersion;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the cost module's decisions into unsigned commands (signed by the step every module shares)
 * and alerts. Ids derive from the quota, the entity, the period and the issue number, so a decision
 * replayed after a restart is the same command and the gateways drop it.
 */
public final class CostCommands implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String ISSUER = "pilotlight-guard/cost";
    public static final String LOOP_RULE = "runaway-loop";
    static final String RUNBOOK = "docs/runbooks/cost.md";

    private final long maxDecisionLagMs;

    public CostCommands(Duration maxDecisionLag) {
        this.maxDecisionLagMs = maxDecisionLag.toMillis();
    }

    /** Whether a decision on an event of {@code eventTime} may still act at {@code now} (a replayed backlog must not). */
    public boolean fresh(long eventTime, long now) {
        return now - eventTime <= maxDecisionLagMs;
    }

    /** The command a used-up quota issues, in force until its period ends (an alert-only quota issues none). */
    public ControlCommand quota(Quota q, String entity, CalendarPeriod p, int issue, String alertId, long now) {
        CommandType type = switch (q.action()) {
            case THROTTLE -> CommandType.THROTTLE_USER;
            case DEGRADE -> CommandType.DEGRADE_USER;
            case BLOCK -> CommandType.BLOCK_USER;
            case ALERT -> throw new IllegalArgumentException("quota " + q.id() + " only alerts");
        };
        Map<String, String> params = new LinkedHashMap<>();
        if (type == CommandType.THROTTLE_USER) {
            params.put("perMinute", String.valueOf(q.perMinute()));
        }
        if (q.scope() != Quota.Scope.USER) {
            params.put("scope", q.scope().yamlName());
        }
        params.put("until", String.valueOf(p.end()));
        String id = DecisionIds.of("cmd", "quota", q.id(), entity, String.valueOf(p.start()), String.valueOf(issue));
        // valid as long as its effect: a gateway replaying guard.control later must still apply it
        return new ControlCommand(SchemaVersion.CURRENT, id, now, type, entity, params, "quota " + q.id() + " used up for "
                + p.label(), alertId, ISSUER, p.end(), null);
    }

    /** A loop's throttle, decided at {@code at} (event time). */
    public ControlCommand loop(String user, long at, int perMinute, long until, String reason, String alertId, long now) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("perMinute", String.valueOf(perMinute));
        params.put("until", String.valueOf(until));
        return new ControlCommand(SchemaVersion.CURRENT, DecisionIds.of("cmd", LOOP_RULE, user, String.valueOf(at)), now,
                CommandType.THROTTLE_USER, user, params, reason, alertId, ISSUER, until, null);
    }

    /** The label that names a quota's entity in alerts: userId, tenant or route, as the rules name them. */
    static String entityLabel(Quota.Scope s) {
        return switch (s) {
            case USER -> "userId";
            case TENANT -> "tenant";
            case ROUTE -> "route";
        };
    }

    /**
     * A quota's warning ({@code threshold} below 1) or used-up alert, FIRING when crossed and RESOLVED when
     * the period ends. Warnings go out one tier below the quota's.
     */
    public static Alert quotaAlert(Quota q, String entity, CalendarPeriod p, double threshold, double spentUsd, long calls,
                                   Alert.State state, long startsAt, Long endsAt, String commandId, String rulesVersion) {
        boolean exceeded = threshold >= 1;
        double used = q.used(spentUsd, calls);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(entityLabel(q.scope()), entity);
        labels.put("quota", q.id());
        labels.put("period", p.label());
        labels.put("level", exceeded ? "used-up" : "warning-" + Math.round(threshold * 100));
        labels.put("action", exceeded ? q.action().name().toLowerCase(Locale.ROOT) : "none");
        String id = DecisionIds.of("alert", "quota", q.id(), entity, String.valueOf(p.start()), labels.get("level"));
        String summary = String.format(Locale.ROOT, "%s %s has used %.0f%% of quota %s for %s: %s and %d calls against %s%s",
                q.scope().yamlName(), entity, 100 * used, q.id(), p.label(), usd(spentUsd), calls, limits(q), exceeded && q.action() != Quota.Action.ALERT
                        ? "; " + q.action().name().toLowerCase(Locale.ROOT) + " until the period ends" : "");
        int tier = exceeded ? q.tier() : Math.min(3, q.tier() + 1);
        return new Alert(SchemaVersion.CURRENT, id, q.id(), tier, state, labels, used, threshold, startsAt, endsAt, summary, RUNBOOK,
                commandId, rulesVersion);
    }

    /** Dollars as people write them: cents, or four decimals below a dollar (a pilot's budgets can be that small). */
    static String usd(double v) {
        return String.format(Locale.ROOT, Math.abs(v) >= 1 ? "$%,.2f" : "$%.4f", v);
    }

    private static String limits(Quota q) {
        String money = q.budgetUsd() > 0 ? usd(q.budgetUsd()) : null;
        String calls = q.calls() > 0 ? q.calls() + " calls" : null;
        return money != null && calls != null ? money + " or " + calls : money != null ? money : calls;
    }

    static String loopAlertId(String user, long at) {
        return DecisionIds.of("alert", LOOP_RULE, user, String.valueOf(at));
    }

    /** A loop's tier-2 alert with its evidence, raised at {@code startsAt}. */
    public static Alert loopAlert(String user, String tenant, String evidence, double value, double threshold, long startsAt,
                                  String commandId) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("userId", user);
        if (tenant != null) {
            labels.put("tenant", tenant);
        }
        return new Alert(SchemaVersion.CURRENT, loopAlertId(user, startsAt), LOOP_RULE, 2,
                Alert.State.FIRING, labels, value, threshold, startsAt, null, "runaway loop: " + evidence, RUNBOOK, commandId, null);
    }
}
