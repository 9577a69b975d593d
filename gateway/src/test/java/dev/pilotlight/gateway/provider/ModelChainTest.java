package dev.pilotlight.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.Route;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever goes wrong inside the chain, its call ends: a client that throws an Error (a class that fails to
 * load, no thread that could be started for a blocking call), a fallback that cannot be asked, a retry the timer refuses. A call that
 * never ends holds its caller until the caller's timeout, and its request buffer forever.
 */
class ModelChainTest {
    private static final ChatCall CALL = new ChatCall("m1", "1.0.0", List.of(new ChatTurn(ChatTurn.Role.USER, "hello")), null, null, null);
    private static final ProviderFailure DOWN = new ProviderFailure(InvocationStatus.ERROR, "upstream_unavailable", "down", true, true, null);

    @TempDir
    Path dir;
    private Route route;
    private Catalog catalog;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void catalog() throws Exception {
        Path f = dir.resolve("catalog.yaml");
        Files.writeString(f, """
                providers:
                  primary: {kind: openai, base-url: "http://127.0.0.1:1/v1", api-key: k, max-attempts: 2}
                  fallback: {kind: openai, base-url: "http://127.0.0.1:2/v1", api-key: k, max-attempts: 1}
                models:
                  m1: {provider: primary, name: m1, input-price: 1, output-price: 1}
                  m2: {provider: fallback, name: m2, input-price: 1, output-price: 1}
                routes:
                  - route: r
                    prompt: r
                    model: m1
                    fallbacks: [m2]
                    production: 1.0.0
                """);
        catalog = Catalog.load(f, Map.of());
        route = catalog.route("r").orElseThrow();
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** A provider client answering with {@code call}, refusing what {@code cannotCarry} says. */
    private static ModelClient client(java.util.function.Supplier<CompletableFuture<ChatResult>> call, Runnable cannotCarry) {
        return new ModelClient() {
            @Override
            public CompletableFuture<ChatResult> call(ChatCall c, Consumer<Delta> onDelta) {
                return call.get();
            }

            @Override
            public Optional<String> cannotCarry(ChatCall c) {
                cannotCarry.run();
                return Optional.empty();
            }
        };
    }

    private ModelChain chain(ModelClient primary, ModelClient fallback) {
        return new ModelChain(catalog, spec -> spec.id().equals("primary") ? primary : fallback, timer);
    }

    private static final ModelClient ANSWERS = client(() -> CompletableFuture.completedFuture(new ChatResult("ok", 1, 1, "stop", 1)), () -> {});

    @Test
    void anErrorThrownByAClientEndsTheCallWithIt() throws Exception {
        ModelChain chain = chain(client(() -> {
            throw new NoClassDefFoundError("dev/example/TranslationTable"); // an Error, as failing to start a thread is
        }, () -> {}), ANSWERS);
        CompletableFuture<Answer> out = chain.call(route, "m1", CALL, null);
        assertThatThrownBy(() -> out.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NoClassDefFoundError.class);
    }

    @Test
    void aFallbackThatCannotBeAskedEndsTheCall() {
        ModelChain chain = chain(client(() -> CompletableFuture.failedFuture(DOWN), () -> {}), client(() -> {
            throw new AssertionError("never asked");
        }, () -> {
            throw new IllegalStateException("translation table broken");
        }));
        CompletableFuture<Answer> out = chain.call(route, "m1", CALL, null);
        assertThatThrownBy(() -> out.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aRetryTheTimerRefusesEndsTheCall() {
        timer.shutdown(); // a gateway shutting down: the timer takes no more retries
        ModelChain chain = chain(client(() -> CompletableFuture.failedFuture(DOWN), () -> {}), ANSWERS);
        CompletableFuture<Answer> out = chain.call(route, "m1", CALL, null);
        assertThatThrownBy(() -> out.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void aFailedPrimaryIsRetriedThenTheFallbackAnswers() throws Exception {
        int[] asked = {0};
        ModelChain chain = chain(client(() -> {
            asked[0]++;
            return CompletableFuture.failedFuture(DOWN);
        }, () -> {}), ANSWERS);
        Answer a = chain.call(route, "m1", CALL, null).get(5, TimeUnit.SECONDS);
        assertThat(a.result().text()).isEqualTo("ok");
        assertThat(a.fallbackUsed()).isTrue();
        assertThat(asked[0]).isEqualTo(2); // max-attempts 2
    }
}
