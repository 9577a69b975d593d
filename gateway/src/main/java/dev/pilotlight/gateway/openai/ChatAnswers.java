package dev.pilotlight.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.gateway.pii.Redaction;
import java.util.ArrayList;
import java.util.List;

/** A provider's OpenAI answer as the caller gets it: personal data restored where text is, every other field untouched. */
public final class ChatAnswers {
    private ChatAnswers() {}

    /** The text of every choice (null for a choice that only called tools), for the output checks. */
    public static List<String> texts(ObjectNode answer) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : answer.path("choices")) {
            JsonNode content = c.path("message").path("content");
            out.add(content.isTextual() ? content.asText() : null);
        }
        return out;
    }

    /** Restores content, refusals and tool-call arguments of every choice, in place. */
    public static void restore(ObjectNode answer, Redaction redaction) {
        for (JsonNode c : answer.path("choices")) {
            if (c.get("message") instanceof ObjectNode m) {
                restoreField(m, "content", redaction);
                restoreField(m, "refusal", redaction);
                restoreToolCalls(m, redaction);
            }
        }
    }

    /** {@code tool_calls[].function.arguments} of a message. */
    private static void restoreToolCalls(ObjectNode message, Redaction redaction) {
        for (JsonNode call : message.path("tool_calls")) {
            if (call.get("function") instanceof ObjectNode f) {
                restoreField(f, "arguments", redaction);
            }
        }
    }

    private static void restoreField(ObjectNode holder, String field, Redaction redaction) {
        if (holder.path(field).isTextual()) {
            holder.put(field, redaction.restore(holder.get(field).asText()));
        }
    }
}
