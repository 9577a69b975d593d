package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a relayed OpenAI stream adds up to: the first choice's text, the tool calls begun, the
 * finish reason and the usage chunk. Usage is kept here, not relayed (the gateway writes the usage
 * chunk the caller asked for from its own accounting).
 */
final class StreamTally {
    private final StringBuilder text = new StringBuilder();
    private int toolCalls;
    private String finishReason;
    private long inputTokens;
    private long outputTokens;

    /** @return the piece to relay, or null for a chunk that carries only usage */
    Delta add(ObjectNode chunk) {
        JsonNode usage = chunk.remove("usage");
        if (usage != null && usage.isObject()) {
            inputTokens = usage.path("prompt_tokens").asLong(inputTokens);
            outputTokens = usage.path("completion_tokens").asLong(outputTokens);
        }
        JsonNode choices = chunk.path("choices");
        if (choices.isEmpty()) {
            return null;
        }
        JsonNode first = choices.get(0);
        JsonNode delta = first.path("delta");
        String piece = delta.path("content").isTextual() ? delta.get("content").asText() : "";
        if (first.path("index").asInt(0) == 0) {
            text.append(piece);
            for (JsonNode call : delta.path("tool_calls")) {
                toolCalls = Math.max(toolCalls, call.path("index").asInt(0) + 1);
            }
            if (first.path("finish_reason").isTextual()) {
                finishReason = first.get("finish_reason").asText();
            }
        }
        return new Delta(piece, chunk);
    }

    ChatResult result(long latencyMs) {
        return new ChatResult(text.isEmpty() && toolCalls > 0 ? null : text.toString(), inputTokens, outputTokens,
                finishReason == null ? "stop" : finishReason, latencyMs, toolCalls, null);
    }
}
