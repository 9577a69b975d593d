package dev.pilotlight.notify.receiver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.notify.ReceiverConfig;
import java.net.http.HttpRequest;
import java.time.Instant;

/** PagerDuty Events API v2: trigger and resolve with the alert id as dedup key. */
public final class PagerDutyReceiver extends JsonPostReceiver {
    public PagerDutyReceiver(ReceiverConfig config) {
        super(config);
    }

    @Override
    public HttpRequest request(Alert a) {
        ObjectNode body = JSON.createObjectNode();
        body.put("routing_key", config.secret());
        body.put("event_action", a.state() == Alert.State.RESOLVED ? "resolve" : "trigger");
        body.put("dedup_key", a.alertId());
        if (a.state() == Alert.State.FIRING) {
            ObjectNode payload = body.putObject("payload");
            payload.put("summary", a.summary() == null ? a.ruleId() : a.summary());
            payload.put("source", "pilotlight");
            payload.put("severity", Receiver.severity(a.tier()));
            payload.put("timestamp", Instant.ofEpochMilli(a.startsAt()).toString());
            payload.put("component", a.labels() == null ? null : a.labels().get("route"));
            payload.put("class", a.ruleId());
            ObjectNode details = payload.putObject("custom_details");
            if (a.labels() != null) {
                a.labels().forEach(details::put);
            }
            details.put("value", a.value());
            details.put("threshold", a.threshold());
            if (a.runbook() != null) {
                body.putArray("links").addObject().put("href", a.runbook()).put("text", "runbook");
            }
        }
        return post(body.toString());
    }
}
