package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.function.Consumer;

/** Calls one provider. Implementations throw {@link ProviderFailure} on failure. */
public interface ModelClient {
    ChatResult chat(ChatCall call);

    /** Streams the answer: each piece goes to {@code onDelta} as it arrives; returns the whole result. */
    ChatResult stream(ChatCall call, Consumer<Delta> onDelta);

    /**
     * The first field of the call this provider's wire format cannot carry (docs/compatibility.md), or
     * empty: such a call is refused with that field named, never sent with the field dropped.
     */
    default Optional<String> cannotCarry(ChatCall call) {
        return Optional.empty();
    }

    /** OpenAI's embeddings call, the body as the caller sent it with the provider's model name in. */
    default ObjectNode embed(String modelName, ObjectNode body) {
        throw new ProviderFailure(dev.pilotlight.common.event.InvocationStatus.ERROR, "embeddings_unsupported",
                "upstream cannot serve embeddings (its wire format has none)", false, false, null);
    }
}
