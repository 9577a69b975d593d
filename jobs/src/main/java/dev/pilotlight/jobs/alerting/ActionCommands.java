package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.rules.Rule;
import dev.pilotlight.common.rules.RuleAction;
import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a firing rule's action into an unsigned command (signing is a separate step). Commands are
 * only issued for fresh decisions: an event older than {@code maxDecisionLag} (a replay of last
 * week) still alerts but must not roll back or block anything today.
 */
public final class ActionCommands implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String ISSUER = "pilotlight-guard/alerts";

    private final long commandTtlMs;
    private final long maxDecisionLagMs;

    public ActionCommands(Duration commandTtl, Duration maxDecisionLag) {
        this.commandTtlMs = commandTtl.toMillis();
        this.maxDecisionLagMs = maxDecisionLag.toMillis();
    }

    /**
     * When the effect of {@code c} ends: its {@code until}, else its expiry; {@link KeyStatus#NONE} for a
     * change that lasts (a rollback, a promotion, a split), which is never renewed.
     */
    public static long effectEnds(ControlCommand c) {
        return switch (c.type()) {
            case ROLLBACK_PROMPT, PROMOTE_VARIANT, SET_SPLIT -> KeyStatus.NONE;
            default -> c.param("until") != null ? Long.parseLong(c.param("until")) : c.expiresAt();
        };
    }

    /**
     * Whether an episode that is still open must issue its command again: none went out (the guard was
     * behind when the breach began), or the effect is past half its life (a block that would end while
     * the behaviour goes on). Ids stay deterministic: the same episode, or the episode and the renewal.
     */
    public static boolean due(String commandId, long effectEnds, long issuedAt, long now) {
        if (commandId == null) {
            return true;
        }
        return effectEnds != KeyStatus.NONE && now >= issuedAt + (effectEnds - issuedAt) / 2;
    }

    /** Whether a decision on an event of {@code eventTime} may still issue a command at processing time {@code now}. */
    public boolean fresh(long eventTime, long now) {
        return now - eventTime <= maxDecisionLagMs;
    }

    /** The episode part of a rollback's ids: the release revision, so one bad release gets one decision. */
    public static String rollbackEpisode(ReleaseState release) {
        return release == null ? null : "rev" + release.revision();
    }

    /**
     * @param release the prompt's current release for ROLLBACK_PROMPT (null when unknown)
     * @return the command, or null when none must be issued
     */
    public ControlCommand build(Rule rule, Map<String, String> labels, String alertId, String episode, String reason,
                                long eventTime, long now, ReleaseState release) {
        RuleAction action = rule.action();
        if (action == null || !fresh(eventTime, now)) {
            return null;
        }
        String target = labels.get(action.targetLabel());
        Map<String, String> params = new LinkedHashMap<>(action.params());
        if (action.type() == CommandType.ROLLBACK_PROMPT && !rollbackParams(labels, release, params)) {
            return null;
        }
        if (action.lasts() != null) {
            params.put("until", String.valueOf(now + action.lasts().toMillis()));
        }
        String commandId = DecisionIds.of("cmd", rule.id(), target, episode);
        return new ControlCommand(SchemaVersion.CURRENT, commandId, now, action.type(), target, params, reason, alertId,
                ISSUER, now + commandTtlMs, null);
    }

    /**
     * Rolls production back to the version it replaced, or removes a failing candidate. A version the
     * release no longer serves needs no command.
     */
    private static boolean rollbackParams(Map<String, String> labels, ReleaseState release, Map<String, String> params) {
        String version = labels.get("promptVersion");
        String toVersion = null;
        if (release != null) {
            if (version.equals(release.productionVersion())) {
                toVersion = release.previousVersion();
            } else if (version.equals(release.candidateVersion())) {
                toVersion = release.productionVersion();
            }
            if (toVersion == null) {
                return false; // not served any more, or nothing to go back to
            }
        }
        params.put("route", labels.get("route"));
        params.put("fromVersion", version);
        if (toVersion != null) {
            params.put("toVersion", toVersion);
        }
        if (release != null) {
            params.put("revision", String.valueOf(release.revision())); // stale if the release changes first
        }
        return true;
    }
}
