package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-call timeout of a provider, over real HTTP: a model slower than it is a TIMEOUT, never a wait. */
class ProviderTimeoutIT {

    @TempDir
    Path dir;

    @Test
    void aSlowPrimaryAndFallbackTimeOutAndTheRouteAnswersDegraded() throws Exception {
        Path catalog = GatewayFixture.demoCatalogWithTimeout(dir, "300ms"); // a 300 ms timeout per call
        try (GatewayFixture fx = new GatewayFixture("gw-timeout-test", Map.of("pilotlight.catalog.file", catalog.toString()))) {
            FaultProfile slow = new FaultProfile(0.0, 500, 3_000, 0.0, 40); // answers after 3 s
            fx.upstream.setModelProfile("sim-model", slow);
            fx.upstream.setModelProfile("sim-claude", slow);
            GatewayClient.Response r = fx.client.invoke("claims-letter", DemoKeys.USERS.get(0), "please hurry");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().path("degraded").asBoolean()).isTrue();
            assertThat(r.text("output")).startsWith("The drafting assistant is unavailable right now");
            InvocationEvent e = TopicReader.find(fx.bootstrap(), Topics.INVOCATIONS,
                    x -> JsonCodec.decode(x.value(), InvocationEvent.class).eventId().equals(r.eventId()), Duration.ofSeconds(10))
                    .map(x -> JsonCodec.decode(x.value(), InvocationEvent.class)).orElseThrow();
            assertThat(e.status()).isEqualTo(InvocationStatus.TIMEOUT);
            assertThat(e.errorType()).isEqualTo("timeout");
        }
    }
}
