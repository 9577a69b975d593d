package dev.pilotlight.gateway.provider;

import java.util.function.Consumer;

/** Calls one provider. Implementations throw {@link ProviderFailure} on failure. */
public interface ModelClient {
    ChatResult chat(ChatCall call);

    /** Streams the answer: each text delta goes to {@code onDelta} as it arrives; returns the whole result. */
    ChatResult stream(ChatCall call, Consumer<String> onDelta);
}
