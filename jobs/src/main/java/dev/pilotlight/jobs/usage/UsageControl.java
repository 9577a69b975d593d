package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.rules.RuleSetUpdate;

/** What every route's tally must see: published rule sets (rosters) and critical security alerts (the go/no-go's criterion 3). */
public record UsageControl(RuleSetUpdate rules, Alert alert) {
    public static UsageControl of(RuleSetUpdate u) {
        return new UsageControl(u, null);
    }

    public static UsageControl of(Alert a) {
        return new UsageControl(null, a);
    }
}
