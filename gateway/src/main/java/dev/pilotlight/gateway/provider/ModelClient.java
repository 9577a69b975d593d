package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Calls one provider. The future completes with the result, or exceptionally with a
 * {@link ProviderFailure} (or {@link ClientCancelled} when the caller left a stream).
 */
public interface ModelClient {
    /**
     * @param onDelta null for a plain call; for a stream, each piece as it arrives (it may throw ClientCancelled)
     */
    CompletableFuture<ChatResult> call(ChatCall call, Consumer<Delta> onDelta);

    /**
     * The first field of the call this provider's wire format cannot carry (docs/compatibility.md), or
     * empty: such a call is refused with that field named, never sent with the field dropped.
     */
    default Optional<String> cannotCarry(ChatCall call) {
        return Optional.empty();
    }

    /** OpenAI's embeddings call, the body as the caller sent it with the provider's model name in. */
    default CompletableFuture<ObjectNode> embed(String modelName, ObjectNode body) {
        return CompletableFuture.failedFuture(new ProviderFailure(dev.pilotlight.common.event.InvocationStatus.ERROR, "embeddings_unsupported",
                "upstream cannot serve embeddings (its wire format has none)", false, false, null));
    }
}
