package dev.pilotlight.notify.receiver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.notify.ReceiverConfig;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Locale;

/**
 * Alertmanager's v2 API ({@code POST /api/v2/alerts}). Labels identify an alert there, so FIRING and
 * RESOLVED carry the same set: {@code alertname} (the rule), {@code severity}, {@code tier},
 * {@code alert_id} and the alert's own labels; RESOLVED sets {@code endsAt}. Routing, grouping,
 * silences and inhibition are Alertmanager's.
 */
public final class AlertmanagerReceiver extends JsonPostReceiver {
    public AlertmanagerReceiver(ReceiverConfig config) {
        super(config);
    }

    @Override
    public HttpRequest request(Alert a) {
        ArrayNode body = JSON.createArrayNode();
        ObjectNode alert = body.addObject();
        ObjectNode labels = alert.putObject("labels");
        if (a.labels() != null) {
            a.labels().forEach((k, v) -> labels.put(labelName(k), v));
        }
        labels.put("alertname", a.ruleId());
        labels.put("severity", Receiver.severity(a.tier()));
        labels.put("tier", String.valueOf(a.tier()));
        labels.put("alert_id", a.alertId());
        ObjectNode annotations = alert.putObject("annotations");
        if (a.summary() != null) {
            annotations.put("summary", a.summary());
        }
        if (a.runbook() != null) {
            annotations.put("runbook_url", a.runbook());
        }
        annotations.put("value", String.format(Locale.ROOT, "%.6g", a.value()));
        annotations.put("threshold", String.format(Locale.ROOT, "%.6g", a.threshold()));
        if (a.commandId() != null) {
            annotations.put("command_id", a.commandId());
        }
        alert.put("startsAt", Instant.ofEpochMilli(a.startsAt()).toString());
        if (a.state() == Alert.State.RESOLVED && a.endsAt() != null) {
            alert.put("endsAt", Instant.ofEpochMilli(a.endsAt()).toString());
        }
        return Receiver.postJson(config.url().resolve("/api/v2/alerts"))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }

    /** Alertmanager label names must match [a-zA-Z_][a-zA-Z0-9_]*: promptVersion stays, prompt-id would not. */
    static String labelName(String k) {
        String s = k.replaceAll("[^a-zA-Z0-9_]", "_");
        return Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }
}
