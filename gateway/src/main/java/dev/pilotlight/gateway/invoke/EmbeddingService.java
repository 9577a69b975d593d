package dev.pilotlight.gateway.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.auth.Principal;
import dev.pilotlight.gateway.catalog.ModelSpec;
import dev.pilotlight.gateway.events.EventEmitter;
import dev.pilotlight.gateway.limits.Admission;
import dev.pilotlight.gateway.limits.Rejected;
import dev.pilotlight.gateway.limits.SpendLedger;
import dev.pilotlight.gateway.metrics.GatewayMetrics;
import dev.pilotlight.gateway.provider.ModelChain;
import dev.pilotlight.gateway.provider.ProviderFailure;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Serves OpenAI's embeddings call for a model alias: the same key, limits, spend reservation, cost
 * and event as a chat call, and the caller's request passed through whole. The input is not
 * redacted: placeholders would change the vectors a search index compares (docs/compatibility.md).
 */
public final class EmbeddingService {
    private final String gatewayId;
    private final ModelChain models;
    private final Admission admission;
    private final SpendLedger ledger;
    private final InvocationEvents sent;

    public EmbeddingService(String gatewayId, ModelChain models, Admission admission, SpendLedger ledger, EventEmitter events,
                            GatewayMetrics metrics) {
        this.gatewayId = gatewayId;
        this.models = models;
        this.admission = admission;
        this.ledger = ledger;
        this.sent = new InvocationEvents(events, metrics);
    }

    /**
     * @param inputChars characters of text input (token-id inputs count one each)
     * @return the provider's answer; fails with Rejected when admission refuses the call, ProviderFailure when the provider fails
     *         (the event is emitted first)
     */
    public CompletableFuture<ObjectNode> embed(String eventId, Principal caller, ModelSpec model, ObjectNode body, long inputChars) {
        long start = System.nanoTime();
        InvocationEvent.Builder ev = InvocationEvent.builder().operation(InvocationEvent.EMBEDDINGS).eventId(eventId).gatewayId(gatewayId)
                .tenant(caller.tenant()).userId(caller.userId()).route(Target.DIRECT_ROUTE).promptVersion(Target.NO_PROMPT_VERSION)
                .provider(model.provider()).model(model.alias()).modelTier(model.tier()).inputChars(inputChars);
        SpendLedger.Reservation held;
        try {
            held = admission.admit(caller, null, List.of(model.alias()), inputChars / 3 + 16, 1, System.currentTimeMillis());
        } catch (Rejected r) {
            emit(caller, ev.status(r.status()).errorType(r.code()).latencyMs(millisSince(start)));
            return CompletableFuture.failedFuture(r);
        }
        return models.embed(model, body).handle((answer, failure) -> {
            double spent = 0;
            try {
                if (failure != null) {
                    Throwable f = ModelChain.unwrap(failure);
                    if (f instanceof ProviderFailure pf) {
                        emit(caller, ev.status(pf.status()).errorType(pf.errorType()).latencyMs(millisSince(start)));
                    }
                    throw f instanceof RuntimeException re ? re : new CompletionException(f);
                }
                long tokens = answer.path("usage").path("prompt_tokens").asLong(0);
                spent = model.price().cost(tokens, 0);
                emit(caller, ev.status(InvocationStatus.OK).inputTokens(tokens).costUsd(spent).latencyMs(millisSince(start))
                        .upstreamLatencyMs(millisSince(start)));
                answer.put("model", model.alias());
                return answer;
            } finally {
                ledger.settle(held, spent);
            }
        });
    }

    /** Characters of an embeddings {@code input}: a string, or an array of strings or token ids. */
    public static long inputChars(JsonNode input) {
        if (input.isTextual()) {
            return input.asText().length();
        }
        long n = 0;
        for (JsonNode i : input) {
            n += i.isTextual() ? i.asText().length() : Math.max(1, i.size());
        }
        return n;
    }

    private void emit(Principal caller, InvocationEvent.Builder ev) {
        sent.emit(caller, ev);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
