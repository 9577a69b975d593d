package dev.pilotlight.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.testkit.binaries.AlertmanagerProcess;
import dev.pilotlight.testkit.binaries.ExternalBinary;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.kafka.PoisonRecords;
import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.notify.AlertNotifier;
import dev.pilotlight.notify.NotifierConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notifier against a real broker, a real Alertmanager and real HTTP receivers. */
class AlertDeliveryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOOK_SECRET = "hook-secret-for-tests-0123456789";

    private static EmbeddedKafka kafka;
    private static AlertmanagerProcess alertmanager;
    private static RecordingReceiver hooks;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        Path binary = ExternalBinary.ALERTMANAGER.require();
        kafka = EmbeddedKafka.start();
        kafka.createContractTopics();
        alertmanager = AlertmanagerProcess.start(binary);
        hooks = new RecordingReceiver();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (hooks != null) {
            hooks.close();
        }
        if (alertmanager != null) {
            alertmanager.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private NotifierConfig config(Path dir, String group) throws Exception {
        Path file = dir.resolve("notify.yaml");
        Files.writeString(file, """
                kafka:
                  bootstrap: %s
                  group-id: %s
                state-dir: %s
                retry: {initial: 50ms, max: 500ms}
                receivers:
                  - name: alertmanager
                    type: alertmanager
                    url: %s
                    tiers: [1, 2, 3]
                    resend-every: 1s
                  - name: pager
                    type: pagerduty
                    url: %s
                    routing-key: ${PD_ROUTING_KEY}
                    tiers: [1]
                  - name: chat
                    type: slack
                    url: %s
                    tiers: [2]
                    digest: true
                  - name: hook
                    type: webhook
                    url: %s
                    secret: ${HOOK_SECRET}
                    tiers: [1, 2]
                """.formatted(kafka.bootstrapServers(), group, dir.resolve("state"), alertmanager.url(),
                hooks.url("/" + group + "/pd"), hooks.url("/" + group + "/slack"), hooks.url("/" + group + "/hook")));
        return NotifierConfig.load(file, Map.of("PD_ROUTING_KEY", "pd-key-1", "HOOK_SECRET", HOOK_SECRET));
    }

    private static Alert alert(String id, int tier, Alert.State state, String rule) {
        long t = System.currentTimeMillis();
        return new Alert(1, id, rule, tier, state, Map.of("route", "claims-letter", "team", "platform"), 0.2, 0.05,
                t - 60_000, state == Alert.State.RESOLVED ? t : null, "Error rate 0.2 on claims-letter", "docs/runbooks/error-rate.md", null, "v1");
    }

    private static void publish(Alert a) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ALERTS, a.alertId(), JsonCodec.encode(a))).get();
    }

    private static boolean alertmanagerHas(String alertId) {
        try {
            for (JsonNode a : JSON.readTree(alertmanager.alerts())) {
                if (alertId.equals(a.path("labels").path("alert_id").asText())) {
                    return a.path("status").path("state").asText().equals("active");
                }
            }
            return false;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void firingAndResolvedReachAlertmanagerPagerDutyAndTheSignedWebhook(@TempDir Path dir) throws Exception {
        String group = "g" + UUID.randomUUID().toString().substring(0, 8);
        String id = "alert-" + group;
        try (AlertNotifier n = AlertNotifier.start(config(dir, group))) {
            publish(alert(id, 1, Alert.State.FIRING, "error-rate-high"));
            Deadline.require("alert active in Alertmanager's API", Duration.ofSeconds(20), () -> alertmanagerHas(id));
            JsonNode inAm = null;
            for (JsonNode a : JSON.readTree(alertmanager.alerts())) {
                if (id.equals(a.path("labels").path("alert_id").asText())) {
                    inAm = a;
                }
            }
            assertThat(inAm.path("labels").path("alertname").asText()).isEqualTo("error-rate-high");
            assertThat(inAm.path("labels").path("severity").asText()).isEqualTo("critical");
            assertThat(inAm.path("labels").path("route").asText()).isEqualTo("claims-letter");
            assertThat(inAm.path("annotations").path("runbook_url").asText()).isEqualTo("docs/runbooks/error-rate.md");

            Deadline.require("PagerDuty trigger", Duration.ofSeconds(10), () -> hooks.at("/" + group + "/pd").size() == 1);
            JsonNode pd = JSON.readTree(hooks.at("/" + group + "/pd").get(0).body());
            assertThat(pd.path("event_action").asText()).isEqualTo("trigger");
            assertThat(pd.path("dedup_key").asText()).isEqualTo(id);
            assertThat(pd.path("routing_key").asText()).isEqualTo("pd-key-1");
            assertThat(pd.path("payload").path("severity").asText()).isEqualTo("critical");

            Deadline.require("webhook", Duration.ofSeconds(10), () -> hooks.at("/" + group + "/hook").size() == 1);
            RecordingReceiver.Received hook = hooks.at("/" + group + "/hook").get(0);
            assertThat(JsonCodec.decode(hook.body().getBytes(StandardCharsets.UTF_8), Alert.class).alertId()).isEqualTo(id);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            assertThat(hook.headers().get("X-pilotlight-signature")).containsExactly(
                    "sha256=" + HexFormat.of().formatHex(mac.doFinal(hook.body().getBytes(StandardCharsets.UTF_8))));
            assertThat(hooks.at("/" + group + "/slack")).as("tier 1 is not for the chat receiver").isEmpty();

            publish(alert(id, 1, Alert.State.RESOLVED, "error-rate-high"));
            Deadline.require("alert resolved in Alertmanager", Duration.ofSeconds(20), () -> !alertmanagerHas(id));
            Deadline.require("PagerDuty resolve", Duration.ofSeconds(10), () -> hooks.at("/" + group + "/pd").size() == 2);
            assertThat(JSON.readTree(hooks.at("/" + group + "/pd").get(1).body()).path("event_action").asText()).isEqualTo("resolve");
            assertThat(n.firing()).doesNotContainKey(id);
        }
    }

    @Test
    void anUnreachableReceiverIsRetriedWithoutHoldingUpTheOthersAndLosesNothingAcrossARestart(@TempDir Path dir) throws Exception {
        String group = "g" + UUID.randomUUID().toString().substring(0, 8);
        String id = "alert-" + group;
        hooks.failNext.set(1_000_000); // every HTTP receiver of the recorder is down
        try (AlertNotifier n = AlertNotifier.start(config(dir, group))) {
            publish(alert(id, 1, Alert.State.FIRING, "gateway-down"));
            Deadline.require("Alertmanager gets the alert while the others are down", Duration.ofSeconds(20), () -> alertmanagerHas(id));
            Deadline.require("retries with backoff", Duration.ofSeconds(10), () -> n.stats().get("pager")[2] >= 3);
            assertThat(n.stats().get("pager")[0]).isZero();
        } // stopped with the PagerDuty and webhook deliveries outstanding
        hooks.failNext.set(0);
        try (AlertNotifier again = AlertNotifier.start(config(dir, group))) {
            Deadline.require("after the restart PagerDuty gets the alert", Duration.ofSeconds(20),
                    () -> hooks.at("/" + group + "/pd").size() == 1 && hooks.at("/" + group + "/hook").size() == 1);
            assertThat(again.firing()).containsKey(id); // rebuilt from guard.alerts, so Alertmanager keeps hearing of it
        }
    }

    @Test
    void tierThreeGoesOutAsOneDailyDigest(@TempDir Path dir) throws Exception {
        String group = "g" + UUID.randomUUID().toString().substring(0, 8);
        try (AlertNotifier n = AlertNotifier.start(config(dir, group))) {
            publish(alert("d1-" + group, 3, Alert.State.FIRING, "daily-error-rate"));
            publish(alert("d2-" + group, 3, Alert.State.FIRING, "daily-cost-per-call"));
            publish(alert("c1-" + group, 2, Alert.State.FIRING, "latency-p95-slow"));
            Deadline.require("tier 2 goes to chat at once", Duration.ofSeconds(20), () -> hooks.at("/" + group + "/slack").size() == 1);
            Deadline.require("tier 3 reaches Alertmanager as info", Duration.ofSeconds(20), () -> alertmanagerHas("d1-" + group));
            assertThat(hooks.at("/" + group + "/slack")).as("tier 3 waits for the digest").hasSize(1);

            n.sendDigests(LocalDate.now());
            Deadline.require("one digest message", Duration.ofSeconds(10), () -> hooks.at("/" + group + "/slack").size() == 2);
            String text = JSON.readTree(hooks.at("/" + group + "/slack").get(1).body()).path("text").asText();
            assertThat(text).startsWith("Pilotlight daily digest for").contains("2 flag(s)", "daily-error-rate", "daily-cost-per-call");
            n.sendDigests(LocalDate.now()); // a quiet day is sent too, its flags gone with the first
            Deadline.require("the quiet day's digest", Duration.ofSeconds(10), () -> hooks.at("/" + group + "/slack").size() == 3);
            assertThat(JSON.readTree(hooks.at("/" + group + "/slack").get(2).body()).path("text").asText()).contains("0 flag(s)")
                    .doesNotContain("daily-error-rate");
        }
    }

    @Test
    void recordsThatAreNotAlertsAreDeadLetteredAndTheNextAlertStillArrives(@TempDir Path dir) throws Exception {
        String group = "g" + UUID.randomUUID().toString().substring(0, 8);
        String id = "alert-" + group;
        try (AlertNotifier n = AlertNotifier.start(config(dir, group))) {
            for (byte[] poison : PoisonRecords.all()) {
                producer.send(new ProducerRecord<>(Topics.ALERTS, "poison-" + group, poison));
            }
            publish(alert(id, 1, Alert.State.FIRING, "error-rate-high"));
            Deadline.require("the alert after the poison reaches the webhook", Duration.ofSeconds(20),
                    () -> hooks.at("/" + group + "/hook").size() == 1);
            Deadline.require("a dead letter with a reason for each poison record", Duration.ofSeconds(20), () -> {
                int[] mine = {0};
                TopicReader.find(kafka.bootstrapServers(), Topics.DLQ, r -> {
                    DeadLetter d = JsonCodec.decode(r.value(), DeadLetter.class);
                    if (Topics.ALERTS.equals(d.sourceTopic()) && ("poison-" + group).equals(d.key()) && !d.reason().isBlank()) {
                        mine[0]++;
                    }
                    return false;
                }, Duration.ofSeconds(1));
                return mine[0] >= PoisonRecords.all().size();
            });
        }
    }
}
