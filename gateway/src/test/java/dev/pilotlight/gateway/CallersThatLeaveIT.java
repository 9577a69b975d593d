package dev.pilotlight.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every request ends. Callers that give up before their answer (a client timeout, a closed tab) leave
 * nothing behind: each call still ends, its answer is written to nobody, and the gateway's in-flight
 * count returns to zero. And no request outlives {@code pilotlight.gateway.request-timeout}: past it the
 * caller gets a 504, whatever the endpoint still waits for. A request that never ends would hold its
 * memory and count as in flight forever.
 */
class CallersThatLeaveIT {
    private static final Pattern IN_FLIGHT = Pattern.compile("(?m)^pilotlight_gateway_inflight_requests (\\S+)");

    @TempDir
    Path dir;

    @Test
    void callsWhoseCallersLeftStillEnd() throws Exception {
        Path catalog = GatewayFixture.demoCatalogWithTimeout(dir, "400ms");
        try (GatewayFixture fx = new GatewayFixture("gw-leave-test", Map.of("pilotlight.catalog.file", catalog.toString()))) {
            FaultProfile slow = new FaultProfile(0.0, 500, 1_000, 0.0, 40); // answers after 1 s: each attempt times out
            fx.upstream.setModelProfile("sim-model", slow);
            fx.upstream.setModelProfile("sim-claude", slow);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String body = "{\"model\":\"claims-letter\",\"messages\":[{\"role\":\"user\",\"content\":\"claim " + i + ", please\"}]}";
                calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(fx.gateway.baseUrl() + "/v1/chat/completions"))
                        .timeout(Duration.ofMillis(150)) // the caller leaves long before any answer
                        .header("Authorization", "Bearer " + DemoKeys.USERS.get(i % DemoKeys.USERS.size()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            long left = calls.stream().filter(c -> c.handle((r, e) -> e != null).join()).count();
            assertThat(left).as("callers that timed out").isPositive();

            // each call ends within its attempts' timeouts and the degraded answer: a few seconds at most (the one
            // request in flight then is the scrape of /metrics itself)
            double[] last = {-1};
            try {
                dev.pilotlight.common.Deadline.require("every call ended", Duration.ofSeconds(20), () -> (last[0] = inFlight(http, fx)) == 1);
            } catch (IllegalStateException e) {
                throw new AssertionError("calls still in flight 20 s after their callers left: " + (last[0] - 1), e);
            }
        }
    }

    @Test
    void noRequestOutlivesTheRequestTimeout() throws Exception {
        Path catalog = GatewayFixture.demoCatalogWithTimeout(dir, "10s");
        try (GatewayFixture fx = new GatewayFixture("gw-request-timeout-test", Map.of("pilotlight.catalog.file", catalog.toString(),
                "pilotlight.gateway.request-timeout", "1s"))) {
            fx.upstream.setModelProfile("sim-model", new FaultProfile(0.0, 500, 5_000, 0.0, 40)); // within its 10 s, past the 1 s
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            long start = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(fx.gateway.baseUrl() + "/v1/chat/completions"))
                    .header("Authorization", "Bearer " + DemoKeys.USERS.get(0)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claims-letter\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).contains("\"code\":\"gateway_timeout\"").contains("no answer within 1 s");
            assertThat(tookMs).as("answered at the request timeout, not the model's 5 s").isLessThan(4_000);
            assertThat(inFlight(http, fx)).isEqualTo(1); // the scrape itself
        }
    }

    private static double inFlight(HttpClient http, GatewayFixture fx) {
        try {
            String metrics = http.send(HttpRequest.newBuilder(URI.create(fx.gateway.baseUrl() + "/metrics"))
                    .header("Authorization", "Bearer " + DemoKeys.METRICS).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = IN_FLIGHT.matcher(metrics);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (java.io.IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
