package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The daily spend cap holds against what once overshot it: a provider that ignores max_tokens ($60
 * against a $10 cap), sources that were left out of the reservation (919 KB reserved as 64 tokens), and
 * OpenAI's {@code n} (128 answers reserved as one).
 */
class SpendCapIT {
    private static GatewayFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new GatewayFixture("gw-spend-test", Map.of(
                "pilotlight.limits.user-per-minute", "1000",
                "pilotlight.limits.user-daily-usd", "0.005"));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void aProviderThatIgnoresMaxTokensCannotTakeAUserOverTheCap() throws Exception {
        // asked for 5 tokens, writes 1,000 (within the model's 1,024): slow, so every request is in flight at once
        fx.upstream.setModelProfile("sim-model", new FaultProfile(0, 500, 400, 0, 1000));
        String body = "{\"model\":\"claims-letter\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"short please\"}]}";
        List<CompletableFuture<GatewayClient.Response>> calls = new ArrayList<>();
        var pool = Executors.newFixedThreadPool(20);
        for (int i = 0; i < 20; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> fx.client.post("/v1/chat/completions", DemoKeys.USERS.get(0), body), pool));
        }
        List<GatewayClient.Response> rs = calls.stream().map(CompletableFuture::join).toList();
        pool.shutdown();
        List<GatewayClient.Response> served = rs.stream().filter(r -> r.status() == 200).toList();
        assertThat(served).isNotEmpty();
        assertThat(rs).allSatisfy(r -> assertThat(r.status()).isIn(200, 429));
        List<InvocationEvent> events = new ArrayList<>();
        TopicReader.find(fx.bootstrap(), Topics.INVOCATIONS, r -> {
            InvocationEvent e = JsonCodec.decode(r.value(), InvocationEvent.class);
            if ("alice".equals(e.userId()) && e.outputTokens() > 0) {
                events.add(e);
            }
            return events.size() >= served.size();
        }, Duration.ofSeconds(15));
        double spent = events.stream().mapToDouble(InvocationEvent::costUsd).sum();
        assertThat(spent).as("billed as the provider reported, within the cap").isPositive().isLessThanOrEqualTo(0.005);
        assertThat(events).allSatisfy(e -> assertThat(e.outputFlags()).contains("max_tokens_exceeded"));
        assertThat(fx.client.get("/metrics", DemoKeys.METRICS).raw())
                .contains("pilotlight_gateway_provider_overruns_total{provider=\"sim-openai\"} " + served.size() + ".0");
        fx.upstream.setModelProfile("sim-model", FaultProfile.HEALTHY);
    }

    @Test
    void everyAnswerAskedForIsReserved() {
        // one longest answer of sim-model costs about $0.0006: one fits under the $0.005 cap, 128 (OpenAI's n) do not
        String one = "{\"model\":\"sim-model\",\"messages\":[{\"role\":\"user\",\"content\":\"one answer\"}]}";
        String many = "{\"model\":\"sim-model\",\"n\":128,\"messages\":[{\"role\":\"user\",\"content\":\"many answers\"}]}";
        long before = fx.upstream.calls();
        GatewayClient.Response refused = fx.client.post("/v1/chat/completions", DemoKeys.USERS.get(2), many);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().path("error").path("code").asText()).isEqualTo("insufficient_quota");
        assertThat(fx.upstream.calls()).isEqualTo(before);
        assertThat(fx.client.post("/v1/chat/completions", DemoKeys.USERS.get(2), one).status()).isEqualTo(200);
    }

    @Test
    void sourcesAndTheSystemPromptAreReservedToo() {
        long before = fx.upstream.calls();
        String sources = "[{\"id\":\"doc-1\",\"text\":\"" + "Clause 4.2 covers rear-end collisions. ".repeat(8_000) + "\"}]";
        GatewayClient.Response r = fx.client.post("/v1/routes/claims-letter/invoke", DemoKeys.USERS.get(1),
                "{\"input\":\"Draft the letter.\",\"sources\":" + sources + "}");
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.body().path("error").path("code").asText()).isEqualTo("insufficient_quota");
        assertThat(fx.upstream.calls()).as("refused before any provider was asked").isEqualTo(before);
    }
}
