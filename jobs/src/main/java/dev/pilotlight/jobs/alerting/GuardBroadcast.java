package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetUpdate;

/**
 * What every parallel instance of the rule operators must see: release changes, published rule sets,
 * and (for the evaluator) the running totals of releases that previous_release baselines compare with;
 * the drift module also sees pinned drift baselines.
 */
public record GuardBroadcast(ReleaseState release, RuleSetUpdate rules, ReleaseTotal total, dev.pilotlight.common.event.DriftBaseline baseline) {
    public static GuardBroadcast of(ReleaseState r) {
        return new GuardBroadcast(r, null, null, null);
    }

    public static GuardBroadcast of(RuleSetUpdate u) {
        return new GuardBroadcast(null, u, null, null);
    }

    public static GuardBroadcast of(ReleaseTotal t) {
        return new GuardBroadcast(null, null, t, null);
    }

    /** For the drift module only: the rule operators never see baselines. */
    public static GuardBroadcast of(dev.pilotlight.common.event.DriftBaseline b) {
        return new GuardBroadcast(null, null, null, b);
    }
}
