package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.gateway.control.CommandOutcome;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.kafka.PoisonRecords;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Anyone who can write to guard.control or guard.releases, writing anything: no record stops the
 * control loop (a null value once kept it down for ten minutes), only signed and servable states
 * change a release, and every refusal is dead-lettered with its reason.
 */
class ControlTopicsFuzzIT {
    private static final CommandSigner SIGNER = CommandSigner.fromSecret(GatewayFixture.CONTROL_KEY);
    private static GatewayFixture fx;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() throws Exception {
        fx = new GatewayFixture("gw-fuzz-test", Map.of());
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fx.bootstrap(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000"), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (fx != null) {
            fx.close();
        }
    }

    /** Records nobody should be able to act on: the shared poison values and an unsigned command. */
    static List<byte[]> junk() {
        long now = System.currentTimeMillis();
        List<byte[]> out = new ArrayList<>(PoisonRecords.all());
        out.add(JsonCodec.encode(new ControlCommand(1, "cmd-unsigned", now, CommandType.BLOCK_USER, "alice", Map.of(), "forged", null,
                "mallory", now + 60_000, null)));
        return out;
    }

    @Test
    void junkOnBothTopicsIsDeadLetteredAndTheLoopStillAppliesTheNextSignedCommand() throws Exception {
        long now = System.currentTimeMillis();
        List<byte[]> control = new ArrayList<>(junk());
        control.add(JsonCodec.encode(SIGNER.sign(command(CommandType.THROTTLE_USER, "alice", Map.of("perMinute", "0")))));
        control.add(JsonCodec.encode(SIGNER.sign(command(CommandType.BLOCK_USER, "alice", Map.of("colour", "red")))));
        List<byte[]> releases = new ArrayList<>(junk());
        releases.add(JsonCodec.encode(new ReleaseState(1, "claims-letter", "claims-letter", "1.1.0", "1.0.0", null, 0, 50, now,
                "admin:ops", "unsigned switch")));
        releases.add(JsonCodec.encode(SIGNER.sign(new ReleaseState(1, "claims-letter", "claims-letter", "9.9.9", "1.0.0", null, 0, 51,
                now, "admin:ops", "a version that does not exist"))));
        releases.add(JsonCodec.encode(SIGNER.sign(new ReleaseState(1, "claims-letter", "claims-letter", "1.1.0", "1.0.0", null, 0,
                Long.MAX_VALUE, now, "admin:ops", "overflow"))));
        for (byte[] v : control) {
            producer.send(new ProducerRecord<>(Topics.CONTROL, "k", v));
        }
        for (byte[] v : releases) {
            producer.send(new ProducerRecord<>(Topics.RELEASES, "claims-letter", v));
        }
        producer.send(new ProducerRecord<>(Topics.CONTROL, "carol",
                JsonCodec.encode(SIGNER.sign(command(CommandType.BLOCK_USER, "carol", Map.of()))))).get();

        Deadline.require("the signed block after the junk is applied", Duration.ofSeconds(15),
                () -> fx.gateway.policies().blocked("carol", System.currentTimeMillis()).isPresent());
        assertThat(fx.gateway.isReady()).isTrue();
        assertThat(fx.client.get("/readyz", null).status()).isEqualTo(200);
        ReleaseState served = fx.gateway.releases().current("claims-letter").orElseThrow();
        assertThat(served.productionVersion()).isEqualTo("1.0.0");
        assertThat(served.revision()).isZero();
        assertThat(fx.gateway.policies().blocked("alice", System.currentTimeMillis())).isEmpty();
        assertThat(fx.client.invoke("claims-letter", DemoKeys.USERS.get(0), "still served").status()).isEqualTo(200);

        // every junk record but the release tombstone has a dead letter naming why
        int expectedControl = control.size();
        int expectedReleases = releases.size() - 1;
        Deadline.require("dead letters for every refused record", Duration.ofSeconds(15), () ->
                deadLetters(Topics.CONTROL).size() >= expectedControl && deadLetters(Topics.RELEASES).size() >= expectedReleases);
        assertThat(deadLetters(Topics.CONTROL)).allSatisfy(d -> assertThat(d.reason()).isNotBlank())
                .anySatisfy(d -> assertThat(d.reason()).contains("control command is empty"))
                .anySatisfy(d -> assertThat(d.reason()).contains("no signature"))
                .anySatisfy(d -> assertThat(d.reason()).contains("'perMinute' must be between 1 and 1000000, not 0"))
                .anySatisfy(d -> assertThat(d.reason()).contains("has no param 'colour'"));
        assertThat(deadLetters(Topics.RELEASES))
                .anySatisfy(d -> assertThat(d.reason()).contains("release state has no signature"))
                .anySatisfy(d -> assertThat(d.reason()).contains("version 9.9.9 does not exist"))
                .anySatisfy(d -> assertThat(d.reason()).contains("is out of range"));
        assertThat(fx.gateway.commands().count(CommandOutcome.REJECTED_INVALID)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anOlderSignedStateWrittenAgainIsAnsweredWithTheCurrentOne() throws Exception {
        ReleaseState before = fx.gateway.releases().current("claims-triage").orElseThrow();
        ReleaseState changed = fx.gateway.releases().release("claims-triage", null, null, 0, "test", "a change that makes an older state");
        producer.send(new ProducerRecord<>(Topics.RELEASES, "claims-triage", JsonCodec.encode(SIGNER.sign(before)))).get();
        Deadline.require("the current state published again after the replayed older one", Duration.ofSeconds(15), () ->
                lastRelease("claims-triage") != null && lastRelease("claims-triage").revision() == changed.revision()
                        && lastReleaseOffset("claims-triage") > replayedOffset("claims-triage", before.revision()));
        assertThat(fx.gateway.releases().current("claims-triage").orElseThrow().revision()).isEqualTo(changed.revision());
    }

    private static ControlCommand command(CommandType type, String target, Map<String, String> params) {
        long now = System.currentTimeMillis();
        return new ControlCommand(1, "cmd-" + UUID.randomUUID(), now, type, target, params, "fuzz", null, "test", now + 60_000, null);
    }

    private static List<DeadLetter> deadLetters(String sourceTopic) {
        List<DeadLetter> out = new ArrayList<>();
        TopicReader.find(fx.bootstrap(), Topics.DLQ, r -> {
            DeadLetter d = JsonCodec.decode(r.value(), DeadLetter.class);
            if (d.sourceTopic().equals(sourceTopic)) {
                out.add(d);
            }
            return false;
        }, Duration.ofSeconds(1));
        return out;
    }

    private static List<ConsumerRecord<String, byte[]>> releaseRecords(String promptId) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        TopicReader.find(fx.bootstrap(), Topics.RELEASES, r -> {
            if (promptId.equals(r.key()) && r.value() != null) {
                out.add(r);
            }
            return false;
        }, Duration.ofSeconds(1));
        return out;
    }

    private static ReleaseState lastRelease(String promptId) {
        List<ConsumerRecord<String, byte[]>> all = releaseRecords(promptId);
        return all.isEmpty() ? null : SIGNER.verify(all.get(all.size() - 1).value(), ReleaseState.class, "release state");
    }

    private static long lastReleaseOffset(String promptId) {
        List<ConsumerRecord<String, byte[]>> all = releaseRecords(promptId);
        return all.isEmpty() ? -1 : all.get(all.size() - 1).offset();
    }

    private static long replayedOffset(String promptId, long revision) {
        return releaseRecords(promptId).stream()
                .filter(r -> SIGNER.verify(r.value(), ReleaseState.class, "release state").revision() == revision)
                .mapToLong(ConsumerRecord::offset).max().orElse(Long.MAX_VALUE);
    }

    @Test
    void experimentStatesAreShownOnlyWhenSignedAndJunkIsDeadLettered() throws Exception {
        long now = System.currentTimeMillis();
        dev.pilotlight.common.experiment.ExperimentState state = new dev.pilotlight.common.experiment.ExperimentState(1,
                "claims-summary:1.0.0-vs-1.1.0@r4", "claims-summary", "claims-summary", "1.0.0", "1.1.0", 0.5, 4, 4, now, "ab", "fixed",
                dev.pilotlight.common.experiment.ExperimentState.Status.RUNNING, null, "collecting samples", List.of(), null, null, null,
                null, null, 1000, null, null, now, null);
        List<byte[]> values = new ArrayList<>(junk());
        values.add(JsonCodec.encode(new dev.pilotlight.common.experiment.ExperimentState(1, "forged", "claims-triage", "claims-triage",
                "1.0.0", "1.1.0", 0.5, 4, 4, now, "ab", "fixed", dev.pilotlight.common.experiment.ExperimentState.Status.DECIDED,
                dev.pilotlight.common.experiment.ExperimentState.Decision.PROMOTE, "forged", List.of(), null, null, null, null, null, 1000,
                null, null, now, null)));
        for (byte[] v : values) {
            producer.send(new ProducerRecord<>(Topics.EXPERIMENTS, "claims-triage", v));
        }
        producer.send(new ProducerRecord<>(Topics.EXPERIMENTS, "claims-summary", JsonCodec.encode(SIGNER.sign(state)))).get();
        Deadline.require("the signed state is shown", Duration.ofSeconds(15),
                () -> fx.client.get("/admin/experiments", DemoKeys.ADMIN).raw().contains("claims-summary:1.0.0-vs-1.1.0@r4"));
        assertThat(fx.client.get("/admin/experiments", DemoKeys.ADMIN).raw()).doesNotContain("forged");
        int expected = values.size() - 1; // all but the tombstone
        Deadline.require("dead letters for every refused state", Duration.ofSeconds(15),
                () -> deadLetters(Topics.EXPERIMENTS).size() >= expected);
        assertThat(deadLetters(Topics.EXPERIMENTS)).allSatisfy(d -> assertThat(d.reason()).startsWith("experiment state refused"))
                .anySatisfy(d -> assertThat(d.reason()).contains("no signature"));
    }

    @Test
    void scorecardsAreShownOnlyWhenSignedToAdminsAndJunkIsDeadLettered() throws Exception {
        dev.pilotlight.common.usage.Scorecard card = new dev.pilotlight.common.usage.Scorecard(1, "claims-notes", System.currentTimeMillis(),
                86_400_000L, dev.pilotlight.common.usage.Scorecard.Verdict.ITERATE, List.of(), null, null, null, null, List.of(), List.of(),
                List.of(), List.of(), null);
        List<byte[]> values = new ArrayList<>(junk());
        values.add(JsonCodec.encode(new dev.pilotlight.common.usage.Scorecard(1, "claims-letter", System.currentTimeMillis(), 86_400_000L,
                dev.pilotlight.common.usage.Scorecard.Verdict.GO, List.of(), null, null, null, null, List.of(), List.of(), List.of(), List.of(),
                "forged")));
        for (byte[] v : values) {
            producer.send(new ProducerRecord<>(Topics.SCORECARDS, "claims-letter", v));
        }
        producer.send(new ProducerRecord<>(Topics.SCORECARDS, "claims-notes", JsonCodec.encode(SIGNER.sign(card)))).get();
        Deadline.require("the signed scorecard is shown", Duration.ofSeconds(15),
                () -> fx.client.get("/admin/scorecards", DemoKeys.ADMIN).raw().contains("claims-notes"));
        assertThat(fx.client.get("/admin/scorecards", DemoKeys.ADMIN).body().path(0).path("verdict").asText()).isEqualTo("ITERATE");
        assertThat(fx.client.get("/admin/scorecards", DemoKeys.ADMIN).raw()).doesNotContain("claims-letter");
        assertThat(fx.client.get("/admin/scorecards", DemoKeys.USERS.get(0)).status()).isEqualTo(403);
        int expected = values.size() - 1; // all but the tombstone
        Deadline.require("dead letters for every refused scorecard", Duration.ofSeconds(15),
                () -> deadLetters(Topics.SCORECARDS).size() >= expected);
        assertThat(deadLetters(Topics.SCORECARDS)).allSatisfy(d -> assertThat(d.reason()).startsWith("scorecard refused"))
                .anySatisfy(d -> assertThat(d.reason()).contains("signature does not match"));
    }
}
