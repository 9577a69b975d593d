package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.gateway.openai.ChatBody;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What of an OpenAI request reaches Anthropic through langchain4j (docs/compatibility.md): text
 * messages and the sampling fields below are translated; fields the gateway itself answers for
 * are accepted; anything else is named and the call refused, never sent without it.
 */
final class AnthropicTranslation {
    private static final Set<String> TRANSLATED = Set.of("model", "messages", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "stop", "stream", "stream_options");
    /** The gateway's: the user comes from the API key, and nothing is stored upstream. */
    private static final Set<String> GATEWAY_SIDE = Set.of("user", "metadata", "store");

    private AnthropicTranslation() {}

    static Optional<String> untranslatable(ChatBody body) {
        for (String f : body.fieldNames()) {
            JsonNode v = body.json().get(f);
            boolean oneChoice = f.equals("n") && v.isIntegralNumber() && v.intValue() == 1;
            if (!v.isNull() && !TRANSLATED.contains(f) && !GATEWAY_SIDE.contains(f) && !oneChoice) {
                return Optional.of(f);
            }
        }
        for (int i = 0; i < body.messages().size(); i++) {
            JsonNode m = body.messages().get(i);
            String role = m.path("role").asText();
            if (role.equals("tool") || role.equals("function")) {
                return Optional.of("messages[" + i + "] (a " + role + " result)");
            }
            for (String f : List.of("tool_calls", "function_call", "audio", "name")) {
                if (m.hasNonNull(f)) {
                    return Optional.of("messages[" + i + "]." + f);
                }
            }
            JsonNode content = m.path("content");
            for (int p = 0; content.isArray() && p < content.size(); p++) {
                String type = content.get(p).path("type").asText();
                if (!type.equals("text")) {
                    return Optional.of("messages[" + i + "].content[" + p + "] (type " + type + ")");
                }
            }
        }
        return Optional.empty();
    }

    static Double topP(ChatBody body) {
        return body != null && body.json().hasNonNull("top_p") ? body.json().get("top_p").doubleValue() : null;
    }

    /** {@code stop}: a string or an array of strings. */
    static List<String> stop(ChatBody body) {
        JsonNode s = body == null ? null : body.json().get("stop");
        List<String> out = new ArrayList<>();
        if (s != null && s.isTextual()) {
            out.add(s.asText());
        } else if (s != null && s.isArray()) {
            s.forEach(x -> out.add(x.asText()));
        }
        return out;
    }
}
