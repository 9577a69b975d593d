package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.ModelSpec;
import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.catalog.Route;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the models of a route in order (primary, then fallbacks), each through its provider's
 * circuit breaker (resilience4j) and a bounded retry of retryable failures with exponential
 * backoff (50 ms, doubling), without holding a thread while a model works: each attempt is a
 * future, and the next one is started, or scheduled, when it fails. When none answers, the route's
 * degraded answer is given if it has one. A stream that has already sent text is never retried or
 * switched: the client has seen it. A request the upstream refuses as invalid is not sent
 * elsewhere: it is the request's fault. A caller that goes away mid-stream ({@link ClientCancelled})
 * ends the call at once: no retry, no fallback, not a breaker failure.
 */
public final class ModelChain {
    private static final Logger LOG = LoggerFactory.getLogger(ModelChain.class);
    private static final long FIRST_BACKOFF_MS = 50;

    private final Catalog catalog;
    private final Map<String, ModelClient> clients;
    private final Map<String, CircuitBreaker> breakers = new HashMap<>();
    private final Map<String, Integer> attempts = new HashMap<>();
    private final ScheduledExecutorService backoff;

    /** @param backoff where retries wait their backoff (a timer, not a parked thread per call) */
    public ModelChain(Catalog catalog, Function<ProviderSpec, ModelClient> clientFactory, ScheduledExecutorService backoff) {
        this.catalog = catalog;
        this.backoff = backoff;
        Map<String, ModelClient> c = new HashMap<>();
        for (ProviderSpec p : catalog.providers().values()) {
            c.put(p.id(), clientFactory.apply(p));
            breakers.put(p.id(), CircuitBreaker.of(p.id(), CircuitBreakerConfig.custom()
                    .failureRateThreshold(p.breakerFailureRate())
                    .slidingWindowSize(p.breakerWindow())
                    .minimumNumberOfCalls(Math.min(p.breakerWindow(), 10))
                    .waitDurationInOpenState(p.breakerOpenFor())
                    .recordException(e -> e instanceof ProviderFailure f && f.providerFault())
                    .ignoreExceptions(ClientCancelled.class) // the caller left: says nothing about the provider
                    .build()));
            attempts.put(p.id(), p.maxAttempts());
        }
        this.clients = Map.copyOf(c);
    }

    /**
     * @param firstAlias the model asked first (the route's model, or its cheap tier)
     * @param onDelta null for a plain call; for a stream, receives the pieces as they arrive
     * @return the answer; or fails with the last ProviderFailure (no model answered and no degraded answer) or ClientCancelled
     */
    public CompletableFuture<Answer> call(Route route, String firstAlias, ChatCall call, Consumer<Delta> onDelta) {
        CompletableFuture<Answer> out = new CompletableFuture<>();
        AtomicBoolean sent = new AtomicBoolean();
        Consumer<Delta> marking = onDelta == null ? null : d -> {
            sent.set(true);
            onDelta.accept(d);
        };
        Walk walk = new Walk(route, route.chain(firstAlias), call, marking, sent, out);
        orFail(out, () -> walk.model(0, null));
        return out;
    }

    /** One call's way along the chain: which model, which attempt. */
    private final class Walk {
        private final Route route;
        private final List<String> chain;
        private final ChatCall call;
        private final Consumer<Delta> onDelta;
        private final AtomicBoolean sent;
        private final CompletableFuture<Answer> out;

        Walk(Route route, List<String> chain, ChatCall call, Consumer<Delta> onDelta, AtomicBoolean sent, CompletableFuture<Answer> out) {
            this.route = route;
            this.chain = chain;
            this.call = call;
            this.onDelta = onDelta;
            this.sent = sent;
            this.out = out;
        }

        /** Model {@code i} of the chain, first attempt; past the end, the degraded answer or the last failure. */
        void model(int i, ProviderFailure last) {
            if (i >= chain.size()) {
                if (route.degradedAnswer() != null) {
                    out.complete(new Answer(new ChatResult(route.degradedAnswer(), 0, 0, "stop", 0),
                            catalog.model(chain.get(chain.size() - 1)).orElseThrow(), true, true, last));
                } else {
                    out.completeExceptionally(last);
                }
                return;
            }
            ModelSpec model = catalog.model(chain.get(i)).orElseThrow();
            if (clients.get(model.provider()).cannotCarry(call.withModel(model.name())).isPresent()) {
                model(i + 1, last); // a fallback of another wire format that cannot take this request (the first one can: checked before)
                return;
            }
            attempt(i, model, 1);
        }

        void attempt(int i, ModelSpec model, int n) {
            guarded(model.provider(), () -> clients.get(model.provider()).call(call.withModel(model.name()), onDelta))
                    .whenComplete((r, e) -> orFail(out, () -> attempted(i, model, n, r, e)));
        }

        /** The outcome of attempt {@code n} of model {@code i}: the answer, a retry, the next model, or the failure. */
        private void attempted(int i, ModelSpec model, int n, ChatResult r, Throwable e) {
            if (e == null) {
                out.complete(new Answer(r, model, i > 0, false, null));
                return;
            }
            Throwable cause = unwrap(e);
            if (cause instanceof ClientCancelled || !(cause instanceof ProviderFailure f)) {
                out.completeExceptionally(cause);
                return;
            }
            if (onDelta == null && retryLater(model.provider(), f, n, () -> orFail(out, () -> attempt(i, model, n + 1)))) {
                return; // a stream is not retried in place: partial text may be out
            }
            // the cause says what an operator can fix (a refused TLS certificate, a provider that will not speak HTTP/2)
            LOG.warn("model {} on route {} failed ({}{}){}", model.alias(), route.name(), f.errorType(),
                    f.getCause() == null ? "" : ": " + f.getCause().getMessage(), i + 1 < chain.size() ? ", trying " + chain.get(i + 1) : "");
            if (sent.get() || !f.providerFault()) {
                out.completeExceptionally(f); // text already streamed, or the request itself was refused
            } else {
                model(i + 1, f);
            }
        }
    }

    /**
     * Schedules attempt {@code n + 1} after its backoff (50 ms, doubling) when the failure is retryable
     * and the provider allows another attempt; false when the failure stands.
     */
    private boolean retryLater(String provider, ProviderFailure f, int n, Runnable again) {
        if (!f.retryable() || n >= attempts.get(provider)) {
            return false;
        }
        backoff.schedule(again, FIRST_BACKOFF_MS << (n - 1), TimeUnit.MILLISECONDS);
        return true;
    }

    /** A call through the provider's breaker: refused at once when it is open, its outcome recorded when it ends. */
    private <T> CompletableFuture<T> guarded(String provider, Supplier<CompletableFuture<T>> attempt) {
        CircuitBreaker breaker = breakers.get(provider);
        if (!breaker.tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new ProviderFailure(InvocationStatus.ERROR, "circuit_open",
                    "provider " + provider + " is unavailable (circuit open)", false, true, null));
        }
        long start = System.nanoTime();
        CompletableFuture<T> f;
        try {
            f = attempt.get();
        } catch (RuntimeException | Error e) { // e.g. no thread could be started for a blocking client: the call ends with it
            f = CompletableFuture.failedFuture(e);
        }
        return f.whenComplete((r, e) -> {
            if (e == null) {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            } else {
                breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, unwrap(e));
            }
        });
    }

    /**
     * Runs one step of a call; whatever it throws (a client's Error, a timer that refuses a retry, a bug)
     * ends the call with it, so its caller always gets an answer and never waits forever.
     */
    static void orFail(CompletableFuture<?> out, Runnable step) {
        try {
            step.run();
        } catch (Throwable t) {
            out.completeExceptionally(t);
        }
    }

    /** The failure inside a future's CompletionException. */
    public static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /**
     * The field of the call that the model's provider cannot carry (docs/compatibility.md), or empty.
     * Asked of the first model before admission: its refusal is the caller's 400.
     */
    public Optional<String> cannotCarry(String alias, ChatCall call) {
        ModelSpec model = catalog.model(alias).orElseThrow();
        return clients.get(model.provider()).cannotCarry(call.withModel(model.name()));
    }

    /** An embeddings call to one model, through its provider's breaker and retry (no fallback: vectors of another model do not mix). */
    public CompletableFuture<ObjectNode> embed(ModelSpec model, ObjectNode body) {
        CompletableFuture<ObjectNode> out = new CompletableFuture<>();
        embedAttempt(model, body, 1, out);
        return out;
    }

    private void embedAttempt(ModelSpec model, ObjectNode body, int n, CompletableFuture<ObjectNode> out) {
        guarded(model.provider(), () -> clients.get(model.provider()).embed(model.name(), body)).whenComplete((r, e) -> orFail(out, () -> {
            Throwable cause = e == null ? null : unwrap(e);
            if (cause == null) {
                out.complete(r);
            } else if (!(cause instanceof ProviderFailure f && retryLater(model.provider(), f, n, () -> embedAttempt(model, body, n + 1, out)))) {
                out.completeExceptionally(cause);
            }
        }));
    }

    /** State of each provider's breaker (CLOSED, OPEN, HALF_OPEN), for metrics and readiness. */
    public Map<String, String> breakerStates() {
        Map<String, String> out = new HashMap<>();
        breakers.forEach((id, b) -> out.put(id, b.getState().name()));
        return out;
    }
}
