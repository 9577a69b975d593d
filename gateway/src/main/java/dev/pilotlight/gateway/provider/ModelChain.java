package dev.pilotlight.gateway.provider;

import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.ModelSpec;
import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.catalog.Route;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import dev.pilotlight.common.event.InvocationStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the models of a route in order (primary, then fallbacks), each through its provider's
 * circuit breaker and a bounded retry of retryable failures with exponential backoff
 * (resilience4j). When none answers, the route's degraded answer is given if it has one.
 * A stream that has already sent text is never retried or switched: the client has seen it. A
 * request the upstream refuses as invalid is not sent elsewhere: it is the request's fault. A
 * caller that goes away mid-stream ({@link ClientCancelled}) ends the call at once: no retry, no
 * fallback, not a breaker failure.
 */
public final class ModelChain {
    private static final Logger LOG = LoggerFactory.getLogger(ModelChain.class);

    private final Catalog catalog;
    private final Map<String, ModelClient> clients;
    private final Map<String, CircuitBreaker> breakers = new HashMap<>();
    private final Map<String, Retry> retries = new HashMap<>();

    public ModelChain(Catalog catalog, Function<ProviderSpec, ModelClient> clientFactory) {
        this.catalog = catalog;
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
            retries.put(p.id(), Retry.of(p.id(), RetryConfig.custom()
                    .maxAttempts(p.maxAttempts())
                    .intervalFunction(IntervalFunction.ofExponentialBackoff(50, 2.0))
                    .retryOnException(e -> e instanceof ProviderFailure f && f.retryable())
                    .build()));
        }
        this.clients = Map.copyOf(c);
    }

    /**
     * @param firstAlias the model asked first (the route's model, or its cheap tier)
     * @param onDelta null for a plain call; for a stream, receives text as it arrives
     */
    public Answer call(Route route, String firstAlias, ChatCall call, Consumer<Delta> onDelta) {
        List<String> chain = route.chain(firstAlias);
        ProviderFailure last = null;
        AtomicBoolean sent = new AtomicBoolean();
        for (int i = 0; i < chain.size(); i++) {
            ModelSpec model = catalog.model(chain.get(i)).orElseThrow();
            ModelClient client = clients.get(model.provider());
            ChatCall c = call.withModel(model.name());
            if (client.cannotCarry(c).isPresent()) {
                continue; // a fallback of another wire format that cannot take this request (the first one can: checked before)
            }
            Supplier<ChatResult> attempt = onDelta == null
                    ? () -> client.chat(c)
                    : () -> client.stream(c, d -> {
                        sent.set(true);
                        onDelta.accept(d);
                    });
            Supplier<ChatResult> guarded = CircuitBreaker.decorateSupplier(breakers.get(model.provider()), attempt);
            try {
                ChatResult r = onDelta == null
                        ? Retry.decorateSupplier(retries.get(model.provider()), guarded).get()
                        : guarded.get(); // a stream is not retried in place: partial text may be out
                return new Answer(r, model, i > 0, false, null);
            } catch (CallNotPermittedException e) {
                last = new ProviderFailure(InvocationStatus.ERROR, "circuit_open", "provider " + model.provider() + " is unavailable (circuit open)", false, true, e);
            } catch (ProviderFailure f) {
                last = f;
            }
            LOG.warn("model {} on route {} failed ({}){}", model.alias(), route.name(), last.errorType(),
                    i + 1 < chain.size() ? ", trying " + chain.get(i + 1) : "");
            if (sent.get() || !last.providerFault()) {
                throw last; // text already streamed, or the request itself was refused: another model would not help
            }
        }
        if (route.degradedAnswer() != null) {
            return new Answer(new ChatResult(route.degradedAnswer(), 0, 0, "stop", 0),
                    catalog.model(chain.get(chain.size() - 1)).orElseThrow(), true, true, last);
        }
        throw last;
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
    public ObjectNode embed(ModelSpec model, ObjectNode body) {
        Supplier<ObjectNode> attempt = () -> clients.get(model.provider()).embed(model.name(), body);
        Supplier<ObjectNode> guarded = CircuitBreaker.decorateSupplier(breakers.get(model.provider()), attempt);
        try {
            return Retry.decorateSupplier(retries.get(model.provider()), guarded).get();
        } catch (CallNotPermittedException e) {
            throw new ProviderFailure(InvocationStatus.ERROR, "circuit_open", "provider " + model.provider() + " is unavailable (circuit open)",
                    false, true, e);
        }
    }

    /** State of each provider's breaker (CLOSED, OPEN, HALF_OPEN), for metrics and readiness. */
    public Map<String, String> breakerStates() {
        Map<String, String> out = new HashMap<>();
        breakers.forEach((id, b) -> out.put(id, b.getState().name()));
        return out;
    }
}
