package dev.pilotlight.notify.receiver;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.notify.ReceiverConfig;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/** Turns alerts into the HTTP request one kind of receiver expects. */
public interface Receiver {
    Duration TIMEOUT = Duration.ofSeconds(10);

    ReceiverConfig config();

    HttpRequest request(Alert alert);

    /** One message with a day's tier-3 alerts; only for receivers that take a digest. */
    default HttpRequest digest(LocalDate day, List<Alert> alerts) {
        throw new UnsupportedOperationException(config().type() + " receivers take no digest");
    }

    static Receiver of(ReceiverConfig c) {
        return switch (c.type()) {
            case "alertmanager" -> new AlertmanagerReceiver(c);
            case "slack" -> new SlackReceiver(c);
            case "pagerduty" -> new PagerDutyReceiver(c);
            case "webhook" -> new WebhookReceiver(c);
            default -> throw new IllegalArgumentException("unknown receiver type " + c.type());
        };
    }

    static HttpRequest.Builder postJson(java.net.URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", "application/json")
                .header("User-Agent", "pilotlight-notifier");
    }

    static String severity(int tier) {
        return switch (tier) {
            case 1 -> "critical";
            case 2 -> "warning";
            default -> "info";
        };
    }
}
