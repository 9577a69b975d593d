package dev.pilotlight.local;

import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.testkit.kafka.TopicReader;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.gateway.control.CommandApplier;
import dev.pilotlight.gateway.control.CommandOutcome;
import dev.pilotlight.local.scenario.BadReleaseScenario;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.local.scenario.ScenarioResult;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.local.stack.StackOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole loop for real: Kafka broker, the guard application on a MiniCluster, the gateway over
 * HTTP and the simulated upstream. A bad release must be rolled back by the loop alone.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadReleaseClosedLoopIT {
    private static EmbeddedStack stack;
    private static KafkaProducer<String, byte[]> producer;
    private static ScenarioResult result;

    @BeforeAll
    static void startStack() throws Exception {
        stack = EmbeddedStack.start(new StackOptions(Fixtures.HOME, Fixtures.ALERT_RULES, 0, 0, 0, 7L, 1));
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stopStack() {
        if (producer != null) {
            producer.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    @Test
    @Order(1)
    void badReleaseIsRolledBackByTheLoop() throws Exception {
        result = new BadReleaseScenario(stack, new BadReleaseScenario.Options(25, 0.3, 20, Duration.ofSeconds(60)), System.out).run();
        System.out.println(JsonCodec.encodeToString(result));
        assertThat(result.passed()).as(result.reason()).isTrue();
        assertThat(result.rolledBackTo()).isEqualTo("1.0.0");
        assertThat(result.detectToApplyMs()).isNotNull().isPositive();
        assertThat(result.commandId()).startsWith("cmd-");

        GatewayClient.Response r = new GatewayClient(stack.gateway().baseUrl()).invoke("claims-letter", DemoKeys.USERS.get(1), "a claim");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("promptVersion")).isEqualTo("1.0.0");
        GatewayClient.Response releases = new GatewayClient(stack.gateway().baseUrl()).get("/admin/releases", DemoKeys.ADMIN);
        assertThat(releases.body().get(0).path("release").path("productionVersion").asText()).isEqualTo("1.0.0");
        assertThat(releases.body().get(0).path("release").path("previousVersion").asText()).isEqualTo("1.1.0");
    }

    @Test
    @Order(2)
    void theCommandIsAppliedExactlyOnceEvenWhenDeliveredTwice() throws Exception {
        CommandApplier applier = stack.gateway().commands();
        long revision = stack.gateway().releases().current("claims-letter").orElseThrow().revision();
        ConsumerRecord<String, byte[]> original = TopicReader.find(stack.kafka().bootstrapServers(), Topics.CONTROL,
                rec -> TopicReader.text(rec).contains(result.commandId()), Duration.ofSeconds(10)).orElseThrow();
        ControlCommand cmd = JsonCodec.decode(original.value(), ControlCommand.class);
        assertThat(cmd.type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
        assertThat(cmd.signature()).isNotBlank();

        long duplicatesBefore = applier.count(CommandOutcome.DUPLICATE);
        send(Topics.CONTROL, original.key(), original.value()); // the same record again, as after a replay
        Deadline.require("the redelivered command is seen as a duplicate", Duration.ofSeconds(10),
                () -> applier.count(CommandOutcome.DUPLICATE) > duplicatesBefore);
        assertThat(applier.count(CommandOutcome.APPLIED)).isEqualTo(1);
        assertThat(applier.recent()).filteredOn(a -> a.commandId().equals(result.commandId())).hasSize(1);
        assertThat(stack.gateway().releases().current("claims-letter").orElseThrow().revision()).isEqualTo(revision);
    }

    @Test
    @Order(3)
    void aForgedCommandIsRejectedAndReported() throws Exception {
        CommandApplier applier = stack.gateway().commands();
        ControlCommand forged = CommandSigner.fromSecret("an-attacker-key-an-attacker-key-0000").sign(new ControlCommand(1,
                "cmd-forged-" + UUID.randomUUID(), System.currentTimeMillis(), CommandType.ROLLBACK_PROMPT, "claims-letter",
                Map.of("fromVersion", "1.0.0", "toVersion", "1.1.0"), "forged", null, "mallory",
                System.currentTimeMillis() + 60_000, null));
        send(Topics.CONTROL, "claims-letter", JsonCodec.encode(forged));
        Deadline.require("the forged command is rejected", Duration.ofSeconds(10), () -> applier.count(CommandOutcome.REJECTED_SIGNATURE) >= 1);
        assertThat(stack.gateway().releases().current("claims-letter").orElseThrow().productionVersion()).isEqualTo("1.0.0");
        ConsumerRecord<String, byte[]> dead = TopicReader.find(stack.kafka().bootstrapServers(), Topics.DLQ,
                rec -> TopicReader.text(rec).contains(forged.commandId()), Duration.ofSeconds(10)).orElseThrow();
        DeadLetter dl = JsonCodec.decode(dead.value(), DeadLetter.class);
        assertThat(dl.sourceTopic()).isEqualTo(Topics.CONTROL);
        assertThat(dl.reason()).startsWith("REJECTED_SIGNATURE");
    }

    @Test
    @Order(4)
    void malformedEventsLandOnTheDeadLetterTopicWithTheirReason() throws Exception {
        String marker = "marker-" + UUID.randomUUID();
        send(Topics.INVOCATIONS, "mallory", ("{\"schemaVersion\":1,\"eventId\":\"" + marker + "\"}").getBytes(StandardCharsets.UTF_8));
        send(Topics.INVOCATIONS, "mallory", ("not json " + marker).getBytes(StandardCharsets.UTF_8));

        ConsumerRecord<String, byte[]> missing = TopicReader.find(stack.kafka().bootstrapServers(), Topics.DLQ,
                rec -> TopicReader.text(rec).contains(marker + "\\\"}"), Duration.ofSeconds(30)).orElseThrow();
        DeadLetter dl = JsonCodec.decode(missing.value(), DeadLetter.class);
        assertThat(dl.sourceTopic()).isEqualTo(Topics.INVOCATIONS);
        assertThat(dl.key()).isEqualTo("mallory");
        assertThat(dl.reason()).isEqualTo("InvocationEvent is missing required field 'timestamp'");

        ConsumerRecord<String, byte[]> garbage = TopicReader.find(stack.kafka().bootstrapServers(), Topics.DLQ,
                rec -> TopicReader.text(rec).contains("not json " + marker), Duration.ofSeconds(30)).orElseThrow();
        assertThat(JsonCodec.decode(garbage.value(), DeadLetter.class).reason()).startsWith("malformed JSON for InvocationEvent");
    }

    @Test
    @Order(5)
    void aNewReplicaStartsOnTheCurrentReleaseAndFollowsLaterChanges() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pilotlight-replica-");
        dev.pilotlight.gateway.config.GatewayConfig c = dev.pilotlight.gateway.config.GatewayConfig.from(Map.of(
                "pilotlight.gateway.id", "gw-local-2",
                "pilotlight.gateway.port", "0",
                "pilotlight.kafka.bootstrap", stack.kafka().bootstrapServers(),
                "pilotlight.prompts.dir", "../examples/prompts",
                "pilotlight.api-keys.file", "../config/api-keys.local.yaml",
                "pilotlight.catalog.file", "../config/catalog.local.yaml",
                "pilotlight.events.spool-dir", dir.resolve("spool").toString(),
                "pilotlight.audit.file", dir.resolve("audit.log").toString(),
                "pilotlight.control.key", stack.controlKey()));
        try (dev.pilotlight.gateway.Gateway second = dev.pilotlight.gateway.Gateway.start(c, stack.upstream().catalogVariables())) {
            Deadline.require("second replica ready", Duration.ofSeconds(30), second::isReady);
            var state = second.releases().current("claims-letter").orElseThrow();
            assertThat(state.productionVersion()).isEqualTo("1.0.0");
            assertThat(state.revision()).isEqualTo(stack.gateway().releases().current("claims-letter").orElseThrow().revision());
            // the rollback it replayed was decided on an older revision: nothing re-applied
            assertThat(second.commands().count(CommandOutcome.APPLIED)).isZero();

            GatewayClient first = new GatewayClient(stack.gateway().baseUrl());
            assertThat(first.release("claims-letter", DemoKeys.ADMIN, Map.of("candidate", "1.1.0", "split", 0.5)).status()).isEqualTo(200);
            Deadline.require("the second replica follows the release made on the first", Duration.ofSeconds(10),
                    () -> "1.1.0".equals(second.releases().current("claims-letter").orElseThrow().candidateVersion()));
            assertThat(first.post("/admin/releases/claims-letter", DemoKeys.ADMIN, "{\"candidate\":null}").status()).isEqualTo(200);
        }
    }
}
