package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Both wire formats (OpenAI and Anthropic) over real HTTP, streamed and not; retries, fallback,
 * degraded answers, the circuit breaker and model tiering, as an OpenAI client sees them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProviderPathsIT {
    private static GatewayFixture fx;
    private static final String USER = DemoKeys.USERS.get(0);

    @BeforeAll
    static void start() throws Exception {
        fx = new GatewayFixture("gw-provider-test", Map.of());
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @AfterEach
    void healthyAgain() {
        fx.upstream.setModelProfile("sim-model", FaultProfile.HEALTHY);
        fx.upstream.setModelProfile("sim-claude", FaultProfile.HEALTHY);
        fx.upstream.setModelProfile("sim-mini", FaultProfile.HEALTHY);
    }

    private static String chat(String model, String content, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + content + "\"}]}";
    }

    /** The JSON payloads of an SSE body, without the final [DONE]. */
    private static List<JsonNode> events(GatewayClient.Response r) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.raw().split("\n")) {
            if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                out.add(JsonCodec.mapper().readTree(line.substring(6)));
            }
        }
        return out;
    }

    private static InvocationEvent event(String marker) {
        return TopicReader.find(fx.bootstrap(), Topics.INVOCATIONS,
                x -> JsonCodec.decode(x.value(), InvocationEvent.class).eventId().equals(marker), Duration.ofSeconds(10))
                .map(x -> JsonCodec.decode(x.value(), InvocationEvent.class)).orElseThrow();
    }

    @Test
    @Order(1)
    void listsRoutesAndModelsLikeOpenAi() {
        GatewayClient.Response r = fx.client.get("/v1/models", USER);
        assertThat(r.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.body().path("data").forEach(m -> ids.add(m.path("id").asText()));
        assertThat(ids).contains("claims-letter", "claims-triage", "sim-model", "sim-claude", "sim-mini");
    }

    @Test
    @Order(2)
    void streamsThroughARouteInOpenAiChunksWithAFinalUsageChunk() throws Exception {
        GatewayClient.Response r = fx.client.post("/v1/chat/completions", USER, chat("claims-letter", "stream me a letter", true));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        assertThat(r.raw()).endsWith("data: [DONE]\n\n");
        List<JsonNode> ev = events(r);
        assertThat(ev).allSatisfy(e -> assertThat(e.path("object").asText()).isEqualTo("chat.completion.chunk"));
        assertThat(ev.get(0).path("choices").get(0).path("delta").path("role").asText()).isEqualTo("assistant");
        StringBuilder text = new StringBuilder();
        ev.forEach(e -> e.path("choices").forEach(c -> text.append(c.path("delta").path("content").asText(""))));
        assertThat(text.toString()).contains("from prompt 1.0.0").contains("stream me a letter");
        assertThat(ev.size()).isGreaterThan(3); // really in pieces
        JsonNode finish = ev.get(ev.size() - 2);
        assertThat(finish.path("choices").get(0).path("finish_reason").asText()).isEqualTo("stop");
        JsonNode usage = ev.get(ev.size() - 1);
        assertThat(usage.path("choices")).isEmpty();
        assertThat(usage.path("usage").path("completion_tokens").asLong()).isEqualTo(FaultProfile.HEALTHY.outputTokens());
    }

    @Test
    @Order(3)
    void anthropicWireFormatWorksPlainAndStreamed() throws Exception {
        GatewayClient.Response plain = fx.client.post("/v1/chat/completions", USER, chat("sim-claude", "hello claude", false));
        assertThat(plain.status()).isEqualTo(200);
        assertThat(plain.body().path("choices").get(0).path("message").path("content").asText()).contains("by sim-claude").contains("hello claude");
        assertThat(plain.body().path("usage").path("completion_tokens").asLong()).isEqualTo(FaultProfile.HEALTHY.outputTokens());

        GatewayClient.Response streamed = fx.client.post("/v1/chat/completions", USER, chat("sim-claude", "stream claude", true));
        assertThat(streamed.status()).isEqualTo(200);
        StringBuilder text = new StringBuilder();
        events(streamed).forEach(e -> e.path("choices").forEach(c -> text.append(c.path("delta").path("content").asText(""))));
        assertThat(text.toString()).contains("by sim-claude").contains("stream claude");
        assertThat(fx.upstream.callsForModel("sim-claude")).isGreaterThanOrEqualTo(2);
    }

    @Test
    @Order(4)
    void retryableFailuresAreRetriedThenTheFallbackAnswers() {
        fx.upstream.setModelProfile("sim-model", FaultProfile.HEALTHY.withErrorRate(1.0)); // HTTP 500
        long before = fx.upstream.callsForModel("sim-model");
        GatewayClient.Response r = fx.client.invoke("claims-letter", USER, "fallback please");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("model")).isEqualTo("sim-claude");
        assertThat(r.body().path("fallbackUsed").asBoolean()).isTrue();
        assertThat(fx.upstream.callsForModel("sim-model") - before).isEqualTo(2); // max-attempts: 2
        InvocationEvent e = event(r.eventId());
        assertThat(e.fallbackUsed()).isTrue();
        assertThat(e.model()).isEqualTo("sim-claude");
        assertThat(e.provider()).isEqualTo("sim-anthropic");
        assertThat(e.status()).isEqualTo(InvocationStatus.OK);
    }

    @Test
    @Order(5)
    void aRefusedRequestIsNotRetriedNorSentElsewhere() {
        fx.upstream.setModelProfile("sim-model", new FaultProfile(1.0, 400, 1, 0, 10));
        long model = fx.upstream.callsForModel("sim-model");
        long claude = fx.upstream.callsForModel("sim-claude");
        GatewayClient.Response r = fx.client.invoke("claims-letter", USER, "too long for the model");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().path("error").path("code").asText()).isEqualTo("upstream_rejected");
        assertThat(fx.upstream.callsForModel("sim-model") - model).isEqualTo(1);
        assertThat(fx.upstream.callsForModel("sim-claude") - claude).isZero();
    }

    @Test
    @Order(6)
    void whenEveryModelFailsTheRouteGivesItsDegradedAnswerAndTheEventSaysError() {
        fx.upstream.setModelProfile("sim-model", FaultProfile.HEALTHY.withErrorRate(1.0));
        fx.upstream.setModelProfile("sim-claude", FaultProfile.HEALTHY.withErrorRate(1.0));
        GatewayClient.Response r = fx.client.invoke("claims-letter", USER, "everything is down");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("degraded").asBoolean()).isTrue();
        assertThat(r.text("output")).startsWith("The drafting assistant is unavailable right now");
        InvocationEvent e = event(r.eventId());
        assertThat(e.status()).isEqualTo(InvocationStatus.ERROR);
        assertThat(e.outputFlags()).contains("degraded");

        // a direct model call has no degraded answer: the client gets OpenAI's error shape
        GatewayClient.Response direct = fx.client.post("/v1/chat/completions", USER, chat("sim-claude", "x", false));
        assertThat(direct.status()).isEqualTo(502);
        assertThat(direct.body().path("error").path("type").asText()).isEqualTo("upstream_error");
    }

    @Test
    @Order(7)
    void simpleQuestionsOnATieredRouteGoToTheCheapModel() {
        GatewayClient.Response simple = fx.client.invoke("claims-triage", USER, "Is claim 42 approved?");
        assertThat(simple.text("model")).isEqualTo("sim-mini");
        GatewayClient.Response complex = fx.client.invoke("claims-triage", USER,
                "Compare the two repair estimates and explain why the second is higher, step by step.");
        assertThat(complex.text("model")).isEqualTo("sim-model");
        assertThat(event(simple.eventId()).modelTier()).isEqualTo("cheap");
        assertThat(event(simple.eventId()).queryClass()).isEqualTo("simple");
        assertThat(event(complex.eventId()).queryClass()).isEqualTo("complex");
    }

    @Test
    @Order(8)
    void repeatedQuestionsAreAnsweredFromTheCachePerTenantAndOnlyWhereTheRouteAllowsIt() {
        long before = fx.upstream.calls();
        GatewayClient.Response first = fx.client.invoke("claims-letter", USER, "What documents  does a windscreen claim need?");
        GatewayClient.Response again = fx.client.invoke("claims-letter", DemoKeys.USERS.get(1), "what documents does a WINDSCREEN claim need?");
        assertThat(fx.upstream.calls() - before).isEqualTo(1); // alice and bob share tenant acme
        assertThat(again.text("output")).isEqualTo(first.text("output"));
        assertThat(again.body().path("costUsd").asDouble()).isZero();
        assertThat(event(again.eventId()).cacheHit()).isTrue();
        assertThat(event(first.eventId()).cacheHit()).isFalse();

        fx.client.invoke("claims-letter", DemoKeys.USERS.get(2), "What documents does a windscreen claim need?");
        assertThat(fx.upstream.calls() - before).isEqualTo(2); // carol is tenant globex: no sharing across tenants

        fx.client.invoke("claims-triage", USER, "Is claim 7 closed?");
        fx.client.invoke("claims-triage", USER, "Is claim 7 closed?");
        assertThat(fx.upstream.calls() - before).isEqualTo(4); // claims-triage opts out
    }

    @Test
    @Order(9)
    void anOpenBreakerSkipsTheFailingProvider() {
        fx.upstream.setModelProfile("sim-model", FaultProfile.HEALTHY.withErrorRate(1.0));
        for (int i = 0; i < 10; i++) {
            fx.client.invoke("claims-letter", USER, "breaker " + i);
        }
        long before = fx.upstream.callsForModel("sim-model");
        GatewayClient.Response r = fx.client.invoke("claims-letter", USER, "after the breaker opened");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("model")).isEqualTo("sim-claude");
        assertThat(fx.upstream.callsForModel("sim-model")).isEqualTo(before); // not even tried
    }
}
