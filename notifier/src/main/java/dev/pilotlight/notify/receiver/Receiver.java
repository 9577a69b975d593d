package dev.pilotlight.notify.receiver;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.notify.ReceiverConfig;
import dev.pilotlight.notify.delivery.Message;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/** Turns alerts into the message one kind of receiver expects. */
public interface Receiver {
    Duration TIMEOUT = Duration.ofSeconds(10);

    ReceiverConfig config();

    Message message(Alert alert);

    /**
     * One message with a day's tier-3 alerts and the summary lines (usage trend, adoption, cost efficiency: docs/usage.md);
     * only for receivers that take a digest.
     */
    default Message digest(LocalDate day, List<Alert> alerts, List<String> summary) {
        throw new UnsupportedOperationException(config().type() + " receivers take no digest");
    }

    static Receiver of(ReceiverConfig c) {
        return switch (c.type()) {
            case "alertmanager" -> new AlertmanagerReceiver(c);
            case "slack" -> new SlackReceiver(c);
            case "pagerduty" -> new PagerDutyReceiver(c);
            case "webhook" -> new WebhookReceiver(c);
            case "email" -> new EmailReceiver(c);
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
