package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.control.CommandOutcome;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Rate limits, spend caps under concurrency, and the guard's user and route commands, over HTTP. */
class LimitsIT {
    private static GatewayFixture fx;
    private static final String ALICE = DemoKeys.USERS.get(0);
    private static final String BOB = DemoKeys.USERS.get(1);
    private static final String CAROL = DemoKeys.USERS.get(2);

    @BeforeAll
    static void start() throws Exception {
        fx = new GatewayFixture("gw-limits-test", Map.of(
                "pilotlight.limits.user-per-minute", "30",
                "pilotlight.limits.user-daily-usd", "0.005"));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aUserOverTheRateLimitGets429WithRetryAfter() {
        List<Integer> statuses = new ArrayList<>();
        GatewayClient.Response limited = null;
        for (int i = 0; i < 32; i++) {
            GatewayClient.Response r = fx.client.invoke("claims-triage", BOB, "q" + i);
            statuses.add(r.status());
            if (r.status() == 429) {
                limited = r;
            }
        }
        assertThat(statuses.subList(0, 30)).containsOnly(200);
        assertThat(statuses.subList(30, 32)).containsOnly(429);
        assertThat(limited.body().path("error").path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(limited.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        InvocationEvent e = TopicReader.find(fx.bootstrap(), Topics.INVOCATIONS,
                x -> "bob".equals(x.key()) && JsonCodec.decode(x.value(), InvocationEvent.class).status() == InvocationStatus.RATE_LIMITED,
                Duration.ofSeconds(10)).map(x -> JsonCodec.decode(x.value(), InvocationEvent.class)).orElseThrow();
        assertThat(e.errorType()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void concurrentRequestsCannotOvershootTheDailyCap() {
        // slow answers, so all requests are in flight together; each reserves its worst case (~$0.0013)
        fx.upstream.setModelProfile("sim-model", new FaultProfile(0, 500, 400, 0, 120));
        try {
            List<CompletableFuture<GatewayClient.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(fx.client.invokeAsync("claims-letter", ALICE, "concurrent " + i));
            }
            List<GatewayClient.Response> rs = calls.stream().map(CompletableFuture::join).toList();
            long ok = rs.stream().filter(r -> r.status() == 200).count();
            long quota = rs.stream().filter(r -> r.status() == 429
                    && r.body().path("error").path("code").asText().equals("insufficient_quota")).count();
            assertThat(ok).isEqualTo(3); // 3 worst cases fit in $0.005, a 4th does not
            assertThat(ok + quota).isEqualTo(20);
            double spent = rs.stream().filter(r -> r.status() == 200).mapToDouble(r -> r.body().path("costUsd").asDouble()).sum();
            assertThat(spent).isLessThanOrEqualTo(0.005);
        } finally {
            fx.upstream.setModelProfile("sim-model", FaultProfile.HEALTHY);
        }
    }

    @Test
    void guardCommandsBlockUsersAndPauseRoutesOnThisReplica() throws Exception {
        CommandSigner signer = CommandSigner.fromSecret("fixture-key-fixture-key-fixture-key-0");
        long now = System.currentTimeMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fx.bootstrap());
        long applied = fx.gateway.commands().count(CommandOutcome.APPLIED);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (ControlCommand c : List.of(
                    new ControlCommand(1, "cmd-" + UUID.randomUUID(), now, CommandType.BLOCK_USER, "carol", Map.of(),
                            "5 injection attempts in 10 min", null, "guard", now + 60_000, null),
                    new ControlCommand(1, "cmd-" + UUID.randomUUID(), now, CommandType.PAUSE_ROUTE, "claims-triage", Map.of(),
                            "kill switch", null, "guard", now + 60_000, null))) {
                producer.send(new ProducerRecord<>(Topics.CONTROL, c.target(), JsonCodec.encode(signer.sign(c)))).get();
            }
        }
        Deadline.require("both commands applied", Duration.ofSeconds(10), () -> fx.gateway.commands().count(CommandOutcome.APPLIED) >= applied + 2);
        GatewayClient.Response blocked = fx.client.invoke("claims-letter", CAROL, "hello");
        assertThat(blocked.status()).isEqualTo(403);
        assertThat(blocked.body().path("error").path("code").asText()).isEqualTo("user_blocked");
        GatewayClient.Response paused = fx.client.post("/v1/chat/completions", ALICE,
                "{\"model\":\"claims-triage\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(paused.status()).isEqualTo(503);
        assertThat(paused.body().path("error").path("code").asText()).isEqualTo("route_paused");
    }

    @Test
    void aDegradedUserIsServedByTheCheapTierAndSaysSoOrRefusedWhereTheRouteHasNone() throws Exception {
        String pilot = DemoKeys.PILOT_USERS.get(0);
        CommandSigner signer = CommandSigner.fromSecret(GatewayFixture.CONTROL_KEY);
        long now = System.currentTimeMillis();
        long applied = fx.gateway.commands().count(CommandOutcome.APPLIED, CommandOutcome.NO_OP);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fx.bootstrap());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (ControlCommand c : List.of( // the other test of this class may have paused claims-triage
                    new ControlCommand(1, "cmd-" + UUID.randomUUID(), now, CommandType.PAUSE_ROUTE, "claims-triage", Map.of("paused", "false"),
                            "resume", null, "guard", now + 60_000, null),
                    new ControlCommand(1, "cmd-" + UUID.randomUUID(), now, CommandType.DEGRADE_USER, "pilot01",
                            Map.of("until", String.valueOf(now + 60_000)), "quota user-daily-spend used up", null, "guard", now + 60_000, null))) {
                producer.send(new ProducerRecord<>(Topics.CONTROL, c.target(), JsonCodec.encode(signer.sign(c)))).get();
            }
        }
        Deadline.require("both commands applied", Duration.ofSeconds(10),
                () -> fx.gateway.commands().count(CommandOutcome.APPLIED, CommandOutcome.NO_OP) >= applied + 2);
        GatewayClient.Response served = fx.client.post("/v1/chat/completions", pilot,
                "{\"model\":\"claims-triage\",\"messages\":[{\"role\":\"user\",\"content\":\"Please explain in detail the whole appeal procedure for a denied water damage claim\"}]}");
        assertThat(served.status()).isEqualTo(200);
        assertThat(served.headers().firstValue("X-Pilotlight-Degraded")).contains("quota");
        String id = served.body().path("id").asText();
        InvocationEvent e = TopicReader.find(fx.bootstrap(), Topics.INVOCATIONS,
                x -> "pilot01".equals(x.key()) && "quota".equals(JsonCodec.decode(x.value(), InvocationEvent.class).degraded()),
                Duration.ofSeconds(10)).map(x -> JsonCodec.decode(x.value(), InvocationEvent.class)).orElseThrow();
        assertThat(e.model()).isEqualTo("sim-mini");
        assertThat(e.modelTier()).isEqualTo("cheap");
        assertThat(e.status()).isEqualTo(InvocationStatus.OK);
        assertThat(id).isNotBlank();
        assertThat(e.requestHash()).matches("[0-9a-f]{1,16}");

        GatewayClient.Response refused = fx.client.invoke("claims-letter", pilot, "draft a letter");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().path("error").path("code").asText()).isEqualTo("insufficient_quota");
        assertThat(refused.body().path("error").path("message").asText())
                .isEqualTo("over quota (quota user-daily-spend used up) and route claims-letter has no cheap tier to serve it instead");

        GatewayClient.Response embedded = fx.client.post("/v1/embeddings", pilot, "{\"model\":\"sim-embed\",\"input\":\"claim 4711\"}");
        assertThat(embedded.status()).as("embeddings have no cheaper tier: a degraded caller keeps them").isEqualTo(200);

        GatewayClient.Response other = fx.client.post("/v1/chat/completions", DemoKeys.PILOT_USERS.get(1),
                "{\"model\":\"claims-triage\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}");
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.headers().firstValue("X-Pilotlight-Degraded")).isEmpty();
    }
}
