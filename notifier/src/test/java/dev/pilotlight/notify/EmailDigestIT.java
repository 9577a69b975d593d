package dev.pilotlight.notify;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import jakarta.mail.internet.MimeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The e-mail receiver against a real SMTP server in the JVM (GreenMail) and a real broker: a tier-2 alert arrives as one
 * e-mail at once; the daily digest carries the summary lines of the routes' signed scorecards (usage trend, adoption,
 * cost efficiency, verdict) and the day's tier-3 flags, and goes out on a quiet day too.
 */
class EmailDigestIT {
    private static final String KEY = "email-digest-key-email-digest-key-0123";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createContractTopics();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
        long now = System.currentTimeMillis();
        Scorecard card = new Scorecard(1, "claims-notes", now, 86_400_000L, Scorecard.Verdict.ITERATE,
                List.of(new Scorecard.Criterion("acceptance", Scorecard.Status.SHORT, 0.52, ">= 65%", "52% of 300 answers")),
                new Scorecard.Usage(12, 12.3, 20, 25, 0.49, 1.15, 398, 0, 384, 42.0, 25, 17),
                new Scorecard.Quality(300, 157, 0.52, 157, 143, 0.52, 0.0, 300, 3.2),
                new Scorecard.Value(120_583, 2_183.31, 0.03, 72_777.0, 10,
                        new Scorecard.Roi(28, 3, 28_460, 37_758, 0.44, 12_000, 40_000, 9_381, 37_273, "method")),
                new Scorecard.Funnel(now, 25, 22, 20, 18, 7, 0.8, 0.72, 0.28, 0.8, 0.6, 0.2), List.of(), List.of("pilot18", "pilot19"),
                List.of(), List.of(), null);
        producer.send(new ProducerRecord<>(Topics.SCORECARDS, "claims-notes", JsonCodec.encode(CommandSigner.fromSecret(KEY).sign(card)))).get();
        // written by someone without the key: never in the summary
        producer.send(new ProducerRecord<>(Topics.SCORECARDS, "forged-route", JsonCodec.encode(new Scorecard(1, "forged-route", now,
                86_400_000L, Scorecard.Verdict.GO, List.of(), card.usage(), card.quality(), card.value(), null, List.of(), List.of(),
                List.of(), List.of(), "0000")))).get();
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private NotifierConfig config(Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notify.yaml"), """
                kafka:
                  bootstrap: %s
                  group-id: %s
                state-dir: %s
                retry: {initial: 50ms, max: 500ms}
                receivers:
                  - name: product-owner
                    type: email
                    url: smtp://127.0.0.1:%d
                    from: pilotlight@example.com
                    to: [po@example.com, pilot-manager@example.com]
                    tiers: [2]
                    digest: true
                """.formatted(kafka.bootstrapServers(), "g" + UUID.randomUUID(), dir.resolve("state"), SMTP.getSmtp().getPort()));
        return NotifierConfig.load(file, Map.of("PILOTLIGHT_CONTROL_KEY", KEY));
    }

    private static void publish(String id, int tier, String rule, String summary) throws Exception {
        long t = System.currentTimeMillis();
        Alert a = new Alert(1, id, rule, tier, Alert.State.FIRING, Map.of("route", "claims-notes", "team", "product"), 0.5, 0.7, t, null,
                summary, "docs/runbooks/adoption.md", null, "v1");
        producer.send(new ProducerRecord<>(Topics.ALERTS, id, JsonCodec.encode(a))).get();
    }

    /** GreenMail's own wait counts differently across deliveries: poll its mailboxes with a deadline instead. */
    private static void received(int messages, String what) throws InterruptedException {
        Deadline.require(what, Duration.ofSeconds(20), () -> SMTP.getReceivedMessages().length >= messages);
    }

    /** The first message received whose subject starts so (messages come grouped by mailbox, not in order of arrival). */
    private static MimeMessage withSubject(String prefix) throws jakarta.mail.MessagingException {
        for (MimeMessage m : SMTP.getReceivedMessages()) {
            if (m.getSubject().startsWith(prefix)) {
                return m;
            }
        }
        throw new AssertionError("no message with a subject starting '" + prefix + "'");
    }

    @Test
    void alertsAndTheDailyDigestArriveByEmailWithTheSummaryLines(@TempDir Path dir) throws Exception {
        try (AlertNotifier n = AlertNotifier.start(config(dir))) {
            publish("t2-" + UUID.randomUUID(), 2, "thumbs-down-share", "0.4 of rated answers on claims-notes were thumbs-down");
            publish("t3-" + UUID.randomUUID(), 3, "adoption-activation-low", "5 of 10 invited users called within 14 days");
            received(2, "the tier-2 alert, to both recipients");
            MimeMessage alert = withSubject("[P2 FIRING]");
            assertThat(alert.getSubject()).isEqualTo("[P2 FIRING] thumbs-down-share: 0.4 of rated answers on claims-notes were thumbs-down");
            assertThat(alert.getFrom()[0].toString()).isEqualTo("pilotlight@example.com");

            n.sendDigests(LocalDate.of(2026, 11, 30));
            received(4, "the digest, to both recipients");
            MimeMessage digest = withSubject("Pilotlight daily digest for 2026-11-30");
            String body = GreenMailUtil.getBody(digest).replace("=\r\n", "").replace("\r\n", "\n");
            assertThat(digest.getSubject()).isEqualTo("Pilotlight daily digest for 2026-11-30: 1 flag(s)");
            assertThat(body).contains("Usage trend, claims-notes: DAU 12 (mean 12.3), WAU 20, MAU 25",
                    "Adoption, claims-notes: 20 of 25 invited activated (80%, target 80%), 18 regular (72%), 7 power (28%); 2 tried once and left",
                    "Cost efficiency, claims-notes: $0.00008 a call; value of time saved $2183.31 against AI cost $0.03 (72777:1, target 10:1)",
                    "Go/no-go, claims-notes: ITERATE (acceptance SHORT)", "adoption-activation-low")
                    .doesNotContain("forged-route").doesNotContain("not checked");

            n.sendDigests(LocalDate.of(2026, 12, 1)); // a quiet day: sent all the same
            received(6, "the quiet day's digest, to both recipients");
            MimeMessage quiet = withSubject("Pilotlight daily digest for 2026-12-01");
            assertThat(quiet.getSubject()).isEqualTo("Pilotlight daily digest for 2026-12-01: 0 flag(s)");
            assertThat(GreenMailUtil.getBody(quiet)).contains("Adoption, claims-notes");
        }
    }
}
