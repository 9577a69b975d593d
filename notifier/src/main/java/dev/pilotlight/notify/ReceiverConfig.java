package dev.pilotlight.notify;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

/**
 * One destination of alerts.
 *
 * @param type        alertmanager, slack, pagerduty or webhook
 * @param secret      PagerDuty routing key, or the webhook's HMAC key; never logged
 * @param tiers       the tiers delivered one by one
 * @param digest      tier-3 alerts go to this receiver as one daily digest instead
 * @param resendEvery Alertmanager only: how often a firing alert is sent again (Alertmanager
 *                    resolves an alert it has not heard of for its resolve_timeout, as with Prometheus)
 */
public record ReceiverConfig(String name, String type, URI url, String secret, Set<Integer> tiers, boolean digest,
                             Duration resendEvery) {
    @Override
    public String toString() {
        return "ReceiverConfig[name=" + name + ", type=" + type + ", url=" + url.getScheme() + "://" + url.getHost()
                + ", tiers=" + tiers + ", digest=" + digest + "]"; // the URL path of a Slack webhook is a secret
    }
}
