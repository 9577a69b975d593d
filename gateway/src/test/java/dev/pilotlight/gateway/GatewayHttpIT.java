package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway's HTTP surface over real sockets, with a real broker behind it and the simulated upstream. */
class GatewayHttpIT {
    private static GatewayFixture fx;
    private static GatewayClient client;

    @BeforeAll
    static void start() throws Exception {
        fx = new GatewayFixture("gw-http-test", Map.of("pilotlight.gateway.max-body-bytes", "4096"));
        client = fx.client;
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static void assertOpenAiError(GatewayClient.Response r, int status, String code) {
        assertThat(r.status()).isEqualTo(status);
        JsonNode err = r.body().path("error");
        assertThat(err.path("message").asText()).isNotBlank();
        assertThat(err.path("type").asText()).isNotBlank();
        assertThat(err.path("code").asText()).isEqualTo(code);
    }

    @Test
    void onlyHealthIsOpenEverythingElseNeedsAKeyAndTheRightRole() {
        assertThat(client.get("/healthz", null).status()).isEqualTo(200);
        assertThat(client.get("/readyz", null).status()).isEqualTo(200);
        assertOpenAiError(client.post("/v1/chat/completions", null, "{}"), 401, "invalid_api_key");
        assertOpenAiError(client.post("/v1/chat/completions", "pl-wrong-key", "{}"), 401, "invalid_api_key");
        assertOpenAiError(client.get("/admin/releases", DemoKeys.USERS.get(0)), 403, "insufficient_role");
        assertOpenAiError(client.get("/nowhere", null), 401, "invalid_api_key"); // unknown paths reveal nothing
        assertOpenAiError(client.get("/nowhere", DemoKeys.USERS.get(0)), 404, "unknown_url");
        assertOpenAiError(client.get("/v1/chat/completions", DemoKeys.USERS.get(0)), 405, "method_not_allowed");
        assertThat(client.get("/admin/releases", DemoKeys.ADMIN).status()).isEqualTo(200);
    }

    @Test
    void chatCompletionsAnswersInOpenAiShapeAndEmitsTheEvent() {
        GatewayClient.Response r = client.post("/v1/chat/completions", DemoKeys.USERS.get(2),
                "{\"model\":\"claims-letter\",\"messages\":[{\"role\":\"user\",\"content\":\"Draft a denial letter for claim 17.\"}]}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text("object")).isEqualTo("chat.completion");
        assertThat(r.body().path("choices").get(0).path("message").path("role").asText()).isEqualTo("assistant");
        assertThat(r.body().path("choices").get(0).path("message").path("content").asText()).contains("1.0.0");
        assertThat(r.body().path("usage").path("total_tokens").asLong()).isPositive();
        assertThat(r.text("system_fingerprint")).isEqualTo("claims-letter@1.0.0");

        String eventId = r.eventId();
        ConsumerRecord<String, byte[]> rec = TopicReader.find(fx.bootstrap(), Topics.INVOCATIONS,
                x -> TopicReader.text(x).contains(eventId), Duration.ofSeconds(10)).orElseThrow();
        InvocationEvent e = JsonCodec.decode(rec.value(), InvocationEvent.class);
        assertThat(rec.key()).isEqualTo("carol");
        assertThat(e.status()).isEqualTo(InvocationStatus.OK);
        assertThat(e.tenant()).isEqualTo("globex");
        assertThat(e.promptVersion()).isEqualTo("1.0.0");
        assertThat(e.outputTokens()).isEqualTo(FaultProfile.HEALTHY.outputTokens());
        assertThat(e.costUsd()).isPositive();
        assertThat(e.inputText()).isNull(); // raw input never leaves the gateway
    }

    @Test
    void badRequestsNameTheProblem() {
        String user = DemoKeys.USERS.get(0);
        GatewayClient.Response unknown = client.post("/v1/chat/completions", user, "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertOpenAiError(unknown, 404, "model_not_found");
        assertThat(unknown.body().path("error").path("param").asText()).isEqualTo("model");

        GatewayClient.Response badContent = client.post("/v1/chat/completions", user, "{\"model\":\"claims-letter\",\"messages\":[{\"role\":\"user\",\"content\":5}]}");
        assertOpenAiError(badContent, 400, "invalid_value");
        assertThat(badContent.body().path("error").path("param").asText()).isEqualTo("messages[0].content");

        assertOpenAiError(client.post("/v1/chat/completions", user, "{\"model\":\"claims-letter\",\"n\":0,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "invalid_value");
        // n > 1 goes to an OpenAI-format provider as sent; a translated provider cannot carry it, and says so by name
        GatewayClient.Response untranslatable = client.post("/v1/chat/completions", user,
                "{\"model\":\"sim-claude\",\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertOpenAiError(untranslatable, 400, "unsupported_field");
        assertThat(untranslatable.body().path("error").path("message").asText()).contains("cannot carry n");
        assertOpenAiError(client.post("/v1/chat/completions", user, "{\"model\":\"claims-letter\",\"temperature\":7,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "invalid_value");
        assertOpenAiError(client.post("/v1/chat/completions", user, "{\"model\":\"claims-letter\",\"messages\":[{\"role\":\"system\",\"content\":\"x\"}]}"), 400, "invalid_value");
        assertOpenAiError(client.post("/v1/chat/completions", user, "{nope"), 400, "invalid_value");
        assertOpenAiError(client.post("/v1/routes/claims-letter/invoke", user, "{\"input\":\"" + "x".repeat(5000) + "\"}"), 413, "request_too_large");
        assertOpenAiError(client.post("/v1/routes/claims-letter/invoke", user, "{\"text\":\"x\"}"), 400, "invalid_value");
        assertOpenAiError(client.post("/v1/routes/no-such-route/invoke", user, "{\"input\":\"x\"}"), 404, "route_not_found");
        assertOpenAiError(client.post("/admin/releases/claims-letter", DemoKeys.ADMIN, "{\"production\":\"9.9.9\"}"), 400, "invalid_value");
    }

    @Test
    void adminReleaseIsPublishedToTheCompactedReleaseTopic() {
        GatewayClient.Response r = client.release("claims-letter", DemoKeys.ADMIN, Map.of("candidate", "1.1.0", "split", 0.25));
        assertThat(r.status()).isEqualTo(200);
        long revision = r.body().path("revision").asLong();
        ConsumerRecord<String, byte[]> rec = TopicReader.find(fx.bootstrap(), Topics.RELEASES,
                x -> JsonCodec.decode(x.value(), ReleaseState.class).revision() == revision, Duration.ofSeconds(10)).orElseThrow();
        ReleaseState s = JsonCodec.decode(rec.value(), ReleaseState.class);
        assertThat(s.candidateVersion()).isEqualTo("1.1.0");
        assertThat(s.candidateSplit()).isEqualTo(0.25);
        assertThat(rec.key()).isEqualTo("claims-letter");
        GatewayClient.Response versions = client.get("/admin/prompts/claims-letter", DemoKeys.ADMIN);
        assertThat(versions.body().get(0).path("version").asText()).isEqualTo("1.0.0");
        assertThat(versions.body().get(0).path("serving").asText()).isEqualTo("production");
        assertThat(versions.body().get(1).path("serving").asText()).isEqualTo("candidate");
        assertThat(versions.body().get(1).path("changelog").asText()).isNotBlank();
        // promote the candidate, then roll back: other tests see 1.0.0 again
        GatewayClient.Response promoted = client.post("/admin/releases/claims-letter/promote", DemoKeys.ADMIN, "{}");
        assertThat(promoted.body().path("productionVersion").asText()).isEqualTo("1.1.0");
        assertThat(promoted.body().path("candidateVersion").isMissingNode() || promoted.body().path("candidateVersion").isNull()).isTrue();
        assertThat(client.post("/admin/releases/claims-letter/promote", DemoKeys.ADMIN, "{}").status()).isEqualTo(409);
        GatewayClient.Response back = client.post("/admin/releases/claims-letter/rollback", DemoKeys.ADMIN, "{}");
        assertThat(back.body().path("productionVersion").asText()).isEqualTo("1.0.0");
    }

    @Test
    void aCanaryPlanIsRefusedWithEveryProblemOrReleasedWithItsFirstShare() {
        GatewayClient.Response bad = client.post("/admin/releases/claims-letter", DemoKeys.ADMIN,
                "{\"candidate\":\"1.1.0\",\"plan\":[{\"share\":0.25,\"bake\":\"10m\"},{\"share\":0.1,\"bake\":\"soon\",\"colour\":1}]}");
        assertOpenAiError(bad, 400, "invalid_value");
        assertThat(bad.body().path("error").path("message").asText())
                .contains("plan[1] has no field 'colour'").contains("plan[1].bake must be a duration");
        assertOpenAiError(client.post("/admin/releases/claims-letter", DemoKeys.ADMIN,
                "{\"candidate\":\"1.1.0\",\"split\":0.5,\"plan\":[{\"share\":0.25,\"bake\":\"10m\"}]}"), 400, "invalid_value");
        GatewayClient.Response ok = client.post("/admin/releases/claims-letter", DemoKeys.ADMIN,
                "{\"candidate\":\"1.1.0\",\"plan\":[{\"share\":0.25,\"bake\":\"10m\",\"min_calls\":100},{\"share\":1.0,\"bake\":\"1h\"}]}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body().path("candidateSplit").asDouble()).isEqualTo(0.25);
        assertThat(ok.body().path("plan").get(0).path("bakeMs").asLong()).isEqualTo(600_000);
        assertThat(ok.body().path("plan").get(1).path("minCalls").asLong()).isZero();
        // the experiments the guard job published (none here: no job runs) need the admin role
        assertOpenAiError(client.get("/admin/experiments", DemoKeys.USERS.get(0)), 403, "insufficient_role");
        assertThat(client.get("/admin/experiments", DemoKeys.ADMIN).status()).isEqualTo(200);
        GatewayClient.Response ended = client.post("/admin/releases/claims-letter", DemoKeys.ADMIN, "{\"candidate\":null}");
        assertThat(ended.body().path("plan").isMissingNode() || ended.body().path("plan").isNull()).isTrue();
    }

    @Test
    void aPromptVersionThatPinsAModelIsServedByIt() {
        assertThat(client.release("claims-letter", DemoKeys.ADMIN, Map.of("production", "1.2.0")).status()).isEqualTo(200);
        try {
            GatewayClient.Response r = client.invoke("claims-letter", DemoKeys.USERS.get(1), "Draft a letter approving claim 88.");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text("promptVersion")).isEqualTo("1.2.0");
            assertThat(r.text("model")).isEqualTo("sim-model-2");
        } finally {
            assertThat(client.post("/admin/releases/claims-letter/rollback", DemoKeys.ADMIN, "{}").body().path("productionVersion").asText())
                    .isEqualTo("1.0.0");
        }
    }

    @Test
    void prometheusMetricsNeedAServiceKeyAndCountWhatHappened() {
        assertThat(client.invoke("claims-letter", DemoKeys.USERS.get(0), "count me").status()).isEqualTo(200);
        assertOpenAiError(client.get("/metrics", null), 401, "invalid_api_key");
        assertOpenAiError(client.get("/metrics", DemoKeys.USERS.get(0)), 403, "insufficient_role");
        GatewayClient.Response m = client.get("/metrics", DemoKeys.METRICS);
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
        assertThat(m.raw())
                .contains("pilotlight_gateway_invocations_total{model=\"sim-model\",route=\"claims-letter\",status=\"OK\"}")
                .contains("pilotlight_gateway_http_request_duration_seconds_bucket{endpoint=\"POST /v1/routes/{route}/invoke\"")
                .contains("pilotlight_gateway_tokens_total{direction=\"output\"")
                .contains("pilotlight_gateway_cost_usd_total")
                .contains("pilotlight_gateway_spool_depth")
                .contains("pilotlight_gateway_commands{outcome=\"APPLIED\"}")
                // the JVM's and the process's own: what an operator reads beside them, and the bench's allocation per call
                .contains("jvm_memory_used_bytes{area=\"heap\"}")
                .contains("jvm_gc_collection_seconds_count{gc=")
                .contains("jvm_threads_current")
                .contains("process_cpu_seconds_total")
                .containsPattern("(?m)^pilotlight_gateway_heap_allocated_bytes_total [1-9][0-9.E]*$")
                // the local catalog's claims-letter route samples for drift: its thread has at least loaded its models
                .containsPattern("(?m)^pilotlight_gateway_drift_sampler_cpu_seconds_total [0-9.E-]+$")
                .doesNotContain("alice"); // no user labels
        GatewayClient.Response ready = client.get("/readyz", null);
        assertThat(ready.body().path("kafka").asText()).isEqualTo("reachable");
        assertThat(ready.body().path("providers").path("sim-openai").asText()).isEqualTo("CLOSED");
    }

    @Test
    void heartbeatsArrive() {
        assertThat(TopicReader.find(fx.bootstrap(), Topics.HEARTBEATS, x -> "gw-http-test".equals(x.key()),
                Duration.ofSeconds(15))).isPresent();
    }
}
