package dev.pilotlight.notify.receiver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.notify.ReceiverConfig;
import dev.pilotlight.notify.delivery.Message;
import java.net.http.HttpRequest;
import java.time.LocalDate;
import java.util.List;

/** A Slack incoming webhook: one message per transition, or one digest message a day. */
public final class SlackReceiver extends JsonPostReceiver {
    public SlackReceiver(ReceiverConfig config) {
        super(config);
    }

    @Override
    public HttpRequest request(Alert a) {
        return postText(AlertText.line(a) + (a.runbook() == null ? "" : "\nRunbook: " + a.runbook()));
    }

    @Override
    public Message digest(LocalDate day, List<Alert> alerts, List<String> summary) {
        return Message.http(postText(AlertText.digest(day, alerts, summary)));
    }

    private HttpRequest postText(String text) {
        ObjectNode body = JSON.createObjectNode().put("text", text);
        return post(body.toString());
    }
}
