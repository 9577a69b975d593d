package dev.pilotlight.notify.receiver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.notify.ReceiverConfig;
import java.net.http.HttpRequest;
import java.time.LocalDate;
import java.util.List;

/** A Slack incoming webhook: one message per transition, or one digest message a day. */
public final class SlackReceiver implements Receiver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ReceiverConfig config;

    public SlackReceiver(ReceiverConfig config) {
        this.config = config;
    }

    @Override
    public ReceiverConfig config() {
        return config;
    }

    @Override
    public HttpRequest request(Alert a) {
        return post(AlertText.line(a) + (a.runbook() == null ? "" : "\nRunbook: " + a.runbook()));
    }

    @Override
    public HttpRequest digest(LocalDate day, List<Alert> alerts) {
        return post(AlertText.digest(day, alerts));
    }

    private HttpRequest post(String text) {
        ObjectNode body = JSON.createObjectNode().put("text", text);
        return Receiver.postJson(config.url()).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
    }
}
