package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetUpdate;

/** What every parallel instance of the rule operators must see: release changes and published rule sets. */
public record GuardBroadcast(ReleaseState release, RuleSetUpdate rules) {
    public static GuardBroadcast of(ReleaseState r) {
        return new GuardBroadcast(r, null);
    }

    public static GuardBroadcast of(RuleSetUpdate u) {
        return new GuardBroadcast(null, u);
    }
}
