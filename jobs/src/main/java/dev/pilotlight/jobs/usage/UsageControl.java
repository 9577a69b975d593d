package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.rules.RuleSetUpdate;

/**
 * What every route's tally must see: published rule sets (rosters), critical security alerts (the go/no-go's
 * criterion 3) and each tenant's users active on any route (feature adoption's denominator). One is set.
 */
public record UsageControl(RuleSetUpdate rules, Alert alert, ActiveUsers activeUsers) {
    public static UsageControl of(RuleSetUpdate u) {
        return new UsageControl(u, null, null);
    }

    public static UsageControl of(Alert a) {
        return new UsageControl(null, a, null);
    }

    public static UsageControl of(ActiveUsers a) {
        return new UsageControl(null, null, a);
    }
}
