package dev.pilotlight.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notifier refuses a bad configuration at start-up, naming every problem, and never shows a secret. */
class NotifierConfigTest {

    @Test
    void everyProblemIsReportedAtOnce(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("notify.yaml");
        Files.writeString(f, """
                kafka: {bootstrap: 127.0.0.1:9092, colour: red}
                retry: {initial: soon}
                reports: {drift: {routes: [], weekday: someday, at: "25:00"}}
                receivers:
                  - name: pager
                    type: pagerduty
                    url: https://events.pagerduty.com/v2/enqueue
                    routing-key: ${PAGERDUTY_ROUTING_KEY}
                    tiers: [1, 4]
                  - name: chat
                    type: teams
                    url: ftp://example.org/hook
                  - name: am
                    type: alertmanager
                    url: http://127.0.0.1:9093
                    tiers: [1]
                    digest: true
                """);
        assertThatThrownBy(() -> NotifierConfig.load(f, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown key 'kafka.colour'")
                .hasMessageContaining("retry.initial 'soon' is not a duration")
                .hasMessageContaining("variable ${PAGERDUTY_ROUTING_KEY} is not set")
                .hasMessageContaining("receivers[0].tiers must hold 1, 2 or 3")
                .hasMessageContaining("receivers[1].type 'teams' must be one of")
                .hasMessageContaining("receivers[1].url must be an http(s) URL")
                .hasMessageContaining("receivers[1] receives nothing")
                .hasMessageContaining("receivers[2].digest is for slack, webhook and email receivers")
                .hasMessageContaining("reports.drift.routes must list at least one route")
                .hasMessageContaining("reports.drift.weekday must be a day of the week")
                .hasMessageContaining("reports.drift.at must be a time of day");
    }

    @Test
    void theShippedExampleLoadsWithItsSecretsFromTheEnvironmentAndHidesThem() {
        NotifierConfig c = NotifierConfig.load(Path.of("../config/notify.example.yaml"), Map.of(
                "PAGERDUTY_ROUTING_KEY", "pd-secret-routing-key", "SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/secretpath"));
        assertThat(c.receivers()).extracting(r -> r.type()).containsExactly("alertmanager", "pagerduty", "slack", "webhook", "email");
        assertThat(c.receivers().get(4).mail().to()).containsExactly("product-owner@example.com");
        assertThat(c.receivers().get(1).secret()).isEqualTo("pd-secret-routing-key");
        assertThat(c.receivers().toString()).doesNotContain("pd-secret-routing-key").doesNotContain("secretpath");
        assertThat(c.startAtEarliest()).isFalse();
        assertThat(c.reports().routes()).containsExactly("claims-letter");
        assertThat(c.reports().weekday()).isEqualTo(java.time.DayOfWeek.MONDAY);
    }

    @Test
    void anEmailReceiverNeedsAMailServerAndAddresses(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("n.yaml"), """
                receivers:
                  - name: po
                    type: email
                    url: https://mail.example.com
                    from: nobody
                    to: [ok@example.com, "not an address"]
                    digest: true
                  - name: chat
                    type: slack
                    url: https://hooks.example.com/x
                    to: po@example.com
                    tiers: [2]
                """);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> NotifierConfig.load(file, Map.of()))
                .hasMessageContaining("receivers[0].url must be the mail server as smtp://host:port")
                .hasMessageContaining("receivers[0].from must be an e-mail address, not 'nobody'")
                .hasMessageContaining("receivers[0].to: 'not an address' is not an e-mail address")
                .hasMessageContaining("receivers[1].to is for email receivers");
    }
}
