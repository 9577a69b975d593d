package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.rules.Rule;
import java.time.Duration;
import java.util.Map;

/** Builds the FIRING and RESOLVED records of one episode the same way for every kind of rule. */
final class AlertRecords {
    private AlertRecords() {}

    static Alert firing(Rule rule, String rulesVersion, String alertId, Map<String, String> labels, double value, double threshold,
                        Duration window, long startsAt, String commandId) {
        return new Alert(SchemaVersion.CURRENT, alertId, rule.id(), rule.alert().tier(), Alert.State.FIRING, labels, value,
                threshold, startsAt, null, rule.alert().render(rule.alert().summary(), rule.id(), window, labels, value, threshold),
                rule.alert().runbook(), commandId, rulesVersion);
    }

    static Alert resolved(Rule rule, String rulesVersion, String alertId, Map<String, String> labels, double value, double threshold,
                          Duration window, long startsAt, long endsAt, String commandId) {
        return new Alert(SchemaVersion.CURRENT, alertId, rule.id(), rule.alert().tier(), Alert.State.RESOLVED, labels, value,
                threshold, startsAt, endsAt, rule.alert().render(rule.alert().summary(), rule.id(), window, labels, value, threshold),
                rule.alert().runbook(), commandId, rulesVersion);
    }
}
