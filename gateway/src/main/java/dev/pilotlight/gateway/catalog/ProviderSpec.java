package dev.pilotlight.gateway.catalog;

import dev.pilotlight.gateway.provider.netty.UpstreamProtocol;
import java.time.Duration;

/**
 * One upstream endpoint and how calls to it are protected.
 *
 * @param kind wire format: {@code openai} (OpenAI, Azure OpenAI, vLLM, Ollama /v1, ...) or {@code anthropic}
 * @param maxAttempts attempts per call including the first; only retryable failures are retried
 * @param breakerFailureRate percent of failed calls in the breaker's window that opens it
 * @param breakerWindow calls in the breaker's sliding window
 * @param breakerOpenFor how long an open breaker rejects calls before letting probes through
 * @param protocol HTTP/1.1, or HTTP/2 with its streams per connection (kind openai only)
 */
public record ProviderSpec(String id, Kind kind, String baseUrl, String apiKey, Duration timeout, int maxAttempts,
                           float breakerFailureRate, int breakerWindow, Duration breakerOpenFor,
                           UpstreamProtocol protocol) {

    public enum Kind { OPENAI, ANTHROPIC }

    @Override
    public String toString() {
        return "ProviderSpec[" + id + ", " + kind + ", " + baseUrl + ", apiKey=<hidden>]";
    }
}
