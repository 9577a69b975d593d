package dev.pilotlight.local.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.local.scenario.AlertWatcher;
import dev.pilotlight.local.stack.LocalGuardJob;
import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard job's foundations on a real broker and a MiniCluster (issue 18; docs/operations.md, "What the
 * guard job guarantees"): one gateway with a wrong clock cannot blind it, and a start without state
 * rebuilds what the compacted control topics say.
 */
class GuardFoundationsIT {
    private static final String KEY = "foundations-test-key-foundations-test!";
    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, byte[]> producer;
    private static AlertWatcher alerts;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createContractTopics();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ByteArraySerializer());
        alerts = new AlertWatcher(kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        if (alerts != null) {
            alerts.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** 80 calls of {@code version} from now on, 100 ms apart, from four users; 30 % fail. */
    private static void failingCalls(Timeline t, String route, String version) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < 80; i++) {
            boolean fail = i % 10 < 3;
            t.invocation(now + i * 100L, "user-" + i % 4, route, "acme", b -> b.promptVersion(version)
                    .status(fail ? InvocationStatus.ERROR : InvocationStatus.OK));
        }
    }

    private static Optional<ControlCommand> rollbackOf(String route) {
        return TopicReader.find(kafka.bootstrapServers(), Topics.CONTROL, r -> route.equals(JsonCodec.decode(r.value(), ControlCommand.class).target()),
                Duration.ofSeconds(60)).map(r -> JsonCodec.decode(r.value(), ControlCommand.class));
    }

    /**
     * Waits until the job has read guard.releases up to here. Release states reach the rules as broadcast
     * state, in no fixed order with the calls: evidence produced in the same instant as its release could
     * be judged before the release is known (the rollback then names no {@code toVersion}; the gateway
     * falls back to its own previous version). An unreadable record after the releases, on the topic's one
     * partition, is dead-lettered once everything before it has been read.
     */
    private static void awaitReleasesRead(String name) throws Exception {
        String marker = "releases-read-marker-" + name + "-" + System.nanoTime();
        producer.send(new ProducerRecord<>(Topics.RELEASES, null, System.currentTimeMillis(), marker,
                marker.getBytes(StandardCharsets.UTF_8))).get();
        TopicReader.find(kafka.bootstrapServers(), Topics.DLQ, r -> TopicReader.text(r).contains(marker), Duration.ofSeconds(60))
                .orElseThrow(() -> new AssertionError("the job never dead-lettered " + marker + " on guard.releases"));
    }

    @Test
    void oneEventStampedADayAheadIsDeadLetteredAndTheBadReleaseIsStillRolledBack() throws Exception {
        JobClient job = LocalGuardJob.start(kafka.bootstrapServers(), Fixtures.ALERT_RULES, dir, KEY, 1, "--group-id", "g-skew");
        try {
            Timeline t = new Timeline(CommandSigner.fromSecret(KEY));
            long now = System.currentTimeMillis();
            t.release(now, "r-skew", "1.0.0", null, 1);
            t.invocation(now + Duration.ofDays(1).toMillis(), "user-clock", "r-skew", "acme", b -> b.eventId("from-the-future"));
            t.produce(producer);
            Timeline release = new Timeline(CommandSigner.fromSecret(KEY));
            release.release(System.currentTimeMillis(), "r-skew", "1.1.0", "1.0.0", 2);
            release.produce(producer);
            awaitReleasesRead("skew");
            Timeline calls = new Timeline(CommandSigner.fromSecret(KEY));
            failingCalls(calls, "r-skew", "1.1.0");
            calls.produce(producer);

            ControlCommand rollback = rollbackOf("r-skew").orElseThrow(() -> new AssertionError("no rollback of r-skew on guard.control"));
            assertThat(rollback.type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
            assertThat(rollback.params()).containsEntry("fromVersion", "1.1.0").containsEntry("toVersion", "1.0.0");
            DeadLetter skewed = TopicReader.find(kafka.bootstrapServers(), Topics.DLQ, r -> TopicReader.text(r).contains("from-the-future"),
                    Duration.ofSeconds(30)).map(r -> JsonCodec.decode(r.value(), DeadLetter.class)).orElseThrow();
            assertThat(skewed.sourceTopic()).isEqualTo(Topics.INVOCATIONS);
            assertThat(skewed.reason()).contains("ahead of the broker's append time").contains("the writer's clock is wrong");
            // and the correct events were not made late by it: none of them is a dead letter
            assertThat(TopicReader.has(kafka.bootstrapServers(), Topics.DLQ, r -> TopicReader.text(r).contains("late event"))).isFalse();
        } finally {
            LocalGuardJob.cancelAndAwait(job);
        }
    }

    @Test
    void aStartWithoutStateRebuildsReleasesAndPublishedRulesFromTheCompactedTopics() throws Exception {
        String[] args = {"--group-id", "g-restart", "--checkpoint-interval", "1s"};
        JobClient first = LocalGuardJob.start(kafka.bootstrapServers(), Fixtures.ALERT_RULES, dir.resolve("first"), KEY, 1, args);
        Path published = Fixtures.alertRulesWith(dir.resolve("published"), Map.of("probe.yaml",
                Fixtures.probeRule("restart-probe", "r-probe")));
        String version;
        try {
            Timeline t = new Timeline(CommandSigner.fromSecret(KEY));
            long now = System.currentTimeMillis();
            t.release(now, "r-restart", "1.0.0", null, 1);
            t.release(now + 1, "r-restart", "1.1.0", "1.0.0", 2);
            t.invocation(now + 2, "user-0", "r-other", "acme", b -> b);
            t.produce(producer);
            version = new RuleSetPublisher(kafka.bootstrapServers(), CommandSigner.fromSecret(KEY)).publish(published, "test").version();
            // a checkpoint has completed once the group has committed offsets; the old job then skipped the
            // compacted topics on a start without state
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                Deadline.require("offsets committed by the first job", Duration.ofSeconds(60), () -> {
                    try {
                        return !admin.listConsumerGroupOffsets("g-restart").partitionsToOffsetAndMetadata().get().isEmpty();
                    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
        } finally {
            LocalGuardJob.cancelAndAwait(first); // no savepoint: the next start has no state
        }

        JobClient second = LocalGuardJob.start(kafka.bootstrapServers(), Fixtures.ALERT_RULES, dir.resolve("second"), KEY, 1, args);
        try {
            int[] sent = {0};
            Deadline.require("the published probe rule in force after the restart", Duration.ofSeconds(60), () -> {
                Timeline probe = new Timeline(CommandSigner.fromSecret(KEY));
                probe.invocation(System.currentTimeMillis(), "user-" + sent[0]++, "r-probe", "acme", b -> b);
                produce(probe);
                return alerts.first(a -> a.ruleId().equals("restart-probe") && a.state() == Alert.State.FIRING).isPresent();
            });
            assertThat(alerts.first(a -> a.ruleId().equals("restart-probe")).orElseThrow().alert().rulesVersion()).isEqualTo(version);
            Timeline calls = new Timeline(CommandSigner.fromSecret(KEY));
            failingCalls(calls, "r-restart", "1.1.0");
            calls.produce(producer);
            ControlCommand rollback = rollbackOf("r-restart").orElseThrow(() -> new AssertionError("no rollback of r-restart"));
            assertThat(rollback.params()).as("the release history was read again").containsEntry("toVersion", "1.0.0")
                    .containsEntry("revision", "2");
        } finally {
            LocalGuardJob.cancelAndAwait(second);
        }
    }

    private static void produce(Timeline t) {
        try {
            t.produce(producer);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
