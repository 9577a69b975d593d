package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetUpdate;

/**
 * What every parallel instance of the rule operators must see: release changes, published rule sets,
 * and (for the evaluator) the running totals of releases that previous_release baselines compare with.
 */
public record GuardBroadcast(ReleaseState release, RuleSetUpdate rules, ReleaseTotal total) {
    public static GuardBroadcast of(ReleaseState r) {
        return new GuardBroadcast(r, null, null);
    }

    public static GuardBroadcast of(RuleSetUpdate u) {
        return new GuardBroadcast(null, u, null);
    }

    public static GuardBroadcast of(ReleaseTotal t) {
        return new GuardBroadcast(null, null, t);
    }
}
