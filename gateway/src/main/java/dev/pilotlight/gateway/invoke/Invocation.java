package dev.pilotlight.gateway.invoke;

import dev.pilotlight.gateway.provider.Answer;

/**
 * A served call: what answered it, with which prompt version and arm.
 *
 * @param promptVersion null for direct model calls
 * @param modelNanos time spent waiting for the model chain (retries and fallbacks included); 0 when cached
 */
public record Invocation(String eventId, String route, String promptId, String promptVersion, String variant, Answer answer,
                         long latencyMs, double costUsd, long modelNanos) {}
