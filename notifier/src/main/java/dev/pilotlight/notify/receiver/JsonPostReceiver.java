package dev.pilotlight.notify.receiver;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.notify.ReceiverConfig;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.notify.delivery.Message;
import java.net.http.HttpRequest;

/** What the receivers share: their configuration and a JSON POST to their URL. */
abstract class JsonPostReceiver implements Receiver {
    protected static final ObjectMapper JSON = new ObjectMapper();
    protected final ReceiverConfig config;

    protected JsonPostReceiver(ReceiverConfig config) {
        this.config = config;
    }

    @Override
    public ReceiverConfig config() {
        return config;
    }

    /** The HTTP request this receiver expects for one alert. */
    public abstract HttpRequest request(Alert a);

    @Override
    public Message message(Alert a) {
        return Message.http(request(a));
    }

    protected HttpRequest post(String body) {
        return Receiver.postJson(config.url()).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
