package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.RawHttp;
import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One user abandoning streams once rolled back a healthy release: each was recorded as an upstream
 * error, triggered a fallback and counted against the provider's breaker. Now each is CANCELLED.
 */
class AbandonedStreamsIT {
    private static GatewayFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new GatewayFixture("gw-abandon-test", Map.of("pilotlight.limits.user-per-minute", "1000"));
        fx.upstream.setModelProfile("sim-model", FaultProfile.HEALTHY.withChunkDelay(150));
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void streamsTheCallerAbandonsAreCancelledNotErrorsAndNeverReachAFallback() throws Exception {
        int port = URI.create(fx.gateway.baseUrl()).getPort();
        String body = "{\"model\":\"claims-letter\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + "Please draft the full settlement letter for claim 4411 with every clause explained at length. ".repeat(3) + "\"}]}";
        long fallbacksBefore = fx.upstream.callsForModel("sim-claude");
        for (int i = 0; i < 25; i++) {
            try (Socket s = RawHttp.connect(port, "127.0.0.1")) {
                s.getOutputStream().write(RawHttp.post("/v1/chat/completions", DemoKeys.USERS.get(1), body.getBytes(StandardCharsets.UTF_8)));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                for (String line = in.readLine(); line != null && !line.startsWith("data: "); line = in.readLine()) {
                    // headers and chunk sizes until the first event
                }
            } // closed after the first event: the caller walked away
        }
        List<InvocationEvent> bobs = new ArrayList<>();
        TopicReader.find(fx.bootstrap(), Topics.INVOCATIONS, r -> {
            InvocationEvent e = JsonCodec.decode(r.value(), InvocationEvent.class);
            if ("bob".equals(e.userId())) {
                bobs.add(e);
            }
            return bobs.size() >= 25;
        }, Duration.ofSeconds(30));
        assertThat(bobs).hasSize(25).allSatisfy(e -> {
            assertThat(e.status()).isEqualTo(InvocationStatus.CANCELLED);
            assertThat(e.errorType()).isEqualTo("client_cancelled");
            assertThat(e.fallbackUsed()).isFalse();
            assertThat(e.costUsd()).isPositive(); // the provider read the prompt and wrote some text: it is billed
        });
        assertThat(fx.upstream.callsForModel("sim-claude")).isEqualTo(fallbacksBefore);
        assertThat(fx.client.get("/readyz", null).body().path("providers").path("sim-openai").asText()).isEqualTo("CLOSED");
        assertThat(fx.client.invoke("claims-letter", DemoKeys.USERS.get(0), "still fine").status()).isEqualTo(200);
    }
}
