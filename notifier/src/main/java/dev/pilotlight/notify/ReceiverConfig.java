package dev.pilotlight.notify;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * One destination of alerts.
 *
 * @param type        alertmanager, slack, pagerduty, webhook or email
 * @param secret      PagerDuty routing key, the webhook's HMAC key, or the mail server's password; never logged
 * @param tiers       the tiers delivered one by one
 * @param digest      tier-3 alerts go to this receiver as one daily digest instead
 * @param resendEvery Alertmanager only: how often a firing alert is sent again (Alertmanager
 *                    resolves an alert it has not heard of for its resolve_timeout, as with Prometheus)
 * @param mail        e-mail only: sender, recipients and the mail server's user; null for the others
 */
public record ReceiverConfig(String name, String type, URI url, String secret, Set<Integer> tiers, boolean digest,
                             Duration resendEvery, Mail mail) {

    /** An e-mail receiver's envelope: {@code url} is {@code smtp://host:port} (or {@code smtps://}). */
    public record Mail(String from, java.util.List<String> to, String username) {}

    /** A receiver that is not e-mail. */
    public ReceiverConfig(String name, String type, URI url, String secret, Set<Integer> tiers, boolean digest, Duration resendEvery) {
        this(name, type, url, secret, tiers, digest, resendEvery, null);
    }

    @Override
    public String toString() {
        return "ReceiverConfig[name=" + name + ", type=" + type + ", url=" + url.getScheme() + "://" + url.getHost()
                + ", tiers=" + tiers + ", digest=" + digest + "]"; // the URL path of a Slack webhook is a secret
    }
}
