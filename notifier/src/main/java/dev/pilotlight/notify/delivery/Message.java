package dev.pilotlight.notify.delivery;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * One message to one receiver, sent by its {@link DeliveryWorker}: an HTTP request (Alertmanager, PagerDuty, Slack,
 * webhooks) or an e-mail. An {@link IOException} means the receiver could not be reached: the worker retries.
 */
public interface Message {
    /** What the receiver answered, and why when it did not take the message. */
    record Attempt(ReceiverAnswer answer, String problem) {}

    Attempt send(HttpClient http) throws IOException, InterruptedException;

    static Message http(HttpRequest request) {
        return client -> {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            String body = r.body() == null ? "" : r.body().strip();
            return new Attempt(ReceiverAnswer.of(r.statusCode()), "HTTP " + r.statusCode()
                    + (body.isEmpty() ? "" : ": " + body.substring(0, Math.min(200, body.length()))));
        };
    }
}
