package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The answer of a provider with the usage it reported.
 *
 * @param text the first choice's text (null when the model only called tools)
 * @param toolCalls tool calls in the answer
 * @param raw the provider's whole answer when it speaks OpenAI's format (every field kept for the caller), else null
 */
public record ChatResult(String text, long inputTokens, long outputTokens, String finishReason, long upstreamLatencyMs,
                         int toolCalls, ObjectNode raw) {
    public ChatResult(String text, long inputTokens, long outputTokens, String finishReason, long upstreamLatencyMs) {
        this(text, inputTokens, outputTokens, finishReason, upstreamLatencyMs, 0, null);
    }

    public ChatResult withText(String restored) {
        return new ChatResult(restored, inputTokens, outputTokens, finishReason, upstreamLatencyMs, toolCalls, raw);
    }
}
