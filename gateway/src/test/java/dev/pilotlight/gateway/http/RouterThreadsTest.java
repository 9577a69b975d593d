package dev.pilotlight.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.gateway.auth.ApiKeyAuthenticator;
import dev.pilotlight.gateway.auth.Principal;
import dev.pilotlight.gateway.auth.Role;
import dev.pilotlight.gateway.limits.RateLimits;
import dev.pilotlight.gateway.metrics.GatewayMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where an endpoint runs (docs/architecture.md, "Gateway threads"): one that does only CPU work before
 * its model call runs on the thread that read the request when the body is small, on a worker when it is
 * large; one that may block always on a worker. Who may call it is decided before either.
 */
class RouterThreadsTest {
    private static final String KEY = "sk-router-threads";
    private static final int INLINE = 1024;

    private final ExecutorService workers = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-worker"));
    private final CompletableFuture<String> ranOn = new CompletableFuture<>();
    private final Router router = new Router(
            new ApiKeyAuthenticator(Map.of(ApiKeyAuthenticator.sha256(KEY), new Principal("k1", "u1", "t1", Set.of(Role.USER)))),
            new RateLimits(), 1000, new GatewayMetrics(), Duration.ofSeconds(10), INLINE)
            .bindAsync(Endpoint.CHAT_COMPLETIONS, req -> {
                ranOn.complete(Thread.currentThread().getName());
                return CompletableFuture.completedFuture(null);
            })
            .bind(Endpoint.MODELS, req -> ranOn.complete(Thread.currentThread().getName()));

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    @Test
    void aSmallRequestToAnEndpointThatDoesNotBlockRunsWhereItWasRead() throws Exception {
        router.handle(request(HttpMethod.POST, "/v1/chat/completions", KEY, INLINE), workers);
        assertThat(ranOn.get(5, TimeUnit.SECONDS)).isEqualTo(Thread.currentThread().getName());
    }

    @Test
    void aLargeBodyGoesToAWorker() throws Exception {
        router.handle(request(HttpMethod.POST, "/v1/chat/completions", KEY, INLINE + 1), workers);
        assertThat(ranOn.get(5, TimeUnit.SECONDS)).isEqualTo("test-worker");
    }

    @Test
    void anEndpointThatMayBlockAlwaysGoesToAWorker() throws Exception {
        router.handle(request(HttpMethod.GET, "/v1/models", KEY, 0), workers);
        assertThat(ranOn.get(5, TimeUnit.SECONDS)).isEqualTo("test-worker");
    }

    @Test
    void aCallerWithoutAKeyIsAnsweredBeforeAnyEndpointRuns() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel();
        router.handle(new Request(channel, http(HttpMethod.POST, "/v1/chat/completions", "sk-wrong", 10), keep -> {}), workers);
        io.netty.handler.codec.http.FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(401);
        response.release();
        assertThat(ranOn).isNotDone();
        assertThat(router.inFlight()).isZero();
    }

    @Test
    void shuttingDownWorkersAnswer503() {
        EmbeddedChannel channel = new EmbeddedChannel();
        workers.shutdown();
        router.handle(new Request(channel, http(HttpMethod.GET, "/v1/models", KEY, 0), keep -> {}), workers);
        io.netty.handler.codec.http.FullHttpResponse response = channel.readOutbound();
        assertThat(response.status().code()).isEqualTo(503);
        assertThat(response.content().toString(StandardCharsets.UTF_8)).contains("shutting_down");
        response.release();
        assertThat(router.inFlight()).isZero();
    }

    private static Request request(HttpMethod method, String path, String key, int bodyBytes) {
        return new Request(new EmbeddedChannel(), http(method, path, key, bodyBytes), keep -> {});
    }

    private static FullHttpRequest http(HttpMethod method, String path, String key, int bodyBytes) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path, Unpooled.wrappedBuffer(new byte[bodyBytes]));
        r.headers().set("Authorization", "Bearer " + key);
        return r;
    }
}
