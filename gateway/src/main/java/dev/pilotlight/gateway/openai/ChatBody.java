package dev.pilotlight.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.gateway.http.ApiError;
import dev.pilotlight.gateway.http.BodyFields;
import dev.pilotlight.gateway.pii.Redaction;
import dev.pilotlight.gateway.provider.ChatTurn;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A caller's chat-completions request, parsed once and kept whole: every field the caller sent,
 * known to us or not, goes on to an OpenAI-format provider (docs/compatibility.md). What the
 * guards need is found in place: the text of each message (string content, text parts, tool
 * results, the arguments of earlier tool calls), so redaction writes back where the text was and
 * nothing else in the message changes. Images, audio and files are forwarded, not read.
 */
public final class ChatBody {
    /** Fields that are Pilotlight's own and never go upstream. */
    private static final Set<String> OURS = Set.of("sources");
    /** Fields that do not change the answer: left out of the cache key. */
    private static final Set<String> NOT_ANSWER_SHAPING = Set.of("model", "messages", "stream", "stream_options", "user", "metadata",
            "store", "sources");

    /** Where one piece of caller text lives: {@code holder.get(field)} is a string. */
    private record TextSlot(ObjectNode holder, String field, int message) {
        String text() {
            return holder.get(field).asText();
        }
    }

    private final ObjectNode json;
    private final ArrayNode messages;
    private final List<TextSlot> slots = new ArrayList<>();

    private ChatBody(ObjectNode json) {
        this.json = json;
        this.messages = (ArrayNode) json.get("messages");
        for (int i = 0; i < messages.size(); i++) {
            collect((ObjectNode) messages.get(i), i);
        }
    }

    /**
     * Checks what the gateway itself reads (roles, content shapes, the sampling fields it records);
     * everything else is the provider's to judge, and its refusal reaches the caller.
     */
    public static ChatBody of(JsonNode body) {
        JsonNode messages = body.get("messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiError.badRequest("messages", "'messages' must be a non-empty array");
        }
        boolean user = false;
        for (int i = 0; i < messages.size(); i++) {
            user |= MessageShape.check(messages.get(i), i).equals("user");
        }
        if (!user) {
            throw ApiError.badRequest("messages", "'messages' must contain at least one user message");
        }
        BodyFields.optionalInt(body, "max_tokens", 1, 1_000_000);
        BodyFields.optionalInt(body, "max_completion_tokens", 1, 1_000_000);
        BodyFields.optionalNumber(body, "temperature", 0, 2);
        BodyFields.optionalInt(body, "n", 1, 128);
        BodyFields.optionalBoolean(body, "stream");
        JsonNode tools = body.get("tools");
        if (tools != null && !tools.isNull() && !tools.isArray()) {
            throw ApiError.wrongType("tools", "an array of tool definitions");
        }
        return new ChatBody((ObjectNode) body);
    }

    private void collect(ObjectNode m, int i) {
        JsonNode content = m.get("content");
        if (content != null && content.isTextual()) {
            slots.add(new TextSlot(m, "content", i));
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                String field = MessageShape.textField(part);
                if (field != null) {
                    slots.add(new TextSlot((ObjectNode) part, field, i));
                }
            }
        }
        for (JsonNode call : m.path("tool_calls")) {
            if (call.path("function").path("arguments").isTextual()) {
                slots.add(new TextSlot((ObjectNode) call.get("function"), "arguments", i));
            }
        }
        if (m.path("function_call").path("arguments").isTextual()) {
            slots.add(new TextSlot((ObjectNode) m.get("function_call"), "arguments", i));
        }
    }

    /** The conversation as text, one turn per message: what the screen scores, the cache keys and Anthropic is sent. */
    public List<ChatTurn> turns() {
        List<ChatTurn> out = new ArrayList<>(messages.size());
        StringBuilder text = new StringBuilder();
        int slot = 0;
        for (int i = 0; i < messages.size(); i++) {
            text.setLength(0);
            while (slot < slots.size() && slots.get(slot).message() == i) {
                text.append(slots.get(slot++).text());
            }
            out.add(new ChatTurn(MessageShape.role(messages.get(i).get("role").asText()), text.toString()));
        }
        return out;
    }

    /** Caller system and developer messages become user messages (the route's policy "demote"). */
    public void demoteSystemMessages() {
        for (JsonNode m : messages) {
            if (MessageShape.role(m.get("role").asText()) == ChatTurn.Role.SYSTEM) {
                ((ObjectNode) m).put("role", "user");
            }
        }
    }

    /** Replaces personal data in every piece of text, where it is. */
    public void redact(Redaction redaction) {
        for (TextSlot s : slots) {
            s.holder().put(s.field(), redaction.redact(s.text()));
        }
    }

    /**
     * The body as the provider gets it: the route's own messages (released system prompt, sources)
     * ahead of the caller's, and Pilotlight's fields taken out. Call once, after the guards.
     */
    public void prepend(List<ChatTurn> ours) {
        for (int i = ours.size() - 1; i >= 0; i--) {
            ChatTurn t = ours.get(i);
            messages.insertObject(0).put("role", t.role() == ChatTurn.Role.SYSTEM ? "system" : "user").put("content", t.content());
        }
        OURS.forEach(json::remove);
    }

    /** The request as JSON: the provider gets this, with its own model name put in. */
    public ObjectNode json() {
        return json;
    }

    public boolean stream() {
        return json.path("stream").asBoolean(false);
    }

    /** {@code stream_options.include_usage}: the caller wants the usage chunk. */
    public boolean includeUsage() {
        return json.path("stream_options").path("include_usage").asBoolean(false);
    }

    public Integer maxTokens() {
        JsonNode n = json.hasNonNull("max_completion_tokens") ? json.get("max_completion_tokens") : json.get("max_tokens");
        return n == null || n.isNull() ? null : n.intValue();
    }

    public Double temperature() {
        return json.hasNonNull("temperature") ? json.get("temperature").doubleValue() : null;
    }

    /** How many answers the call asks for ({@code n}, 1 to 128): the spend reservation holds that many longest answers. */
    public int answers() {
        return json.path("n").isInt() ? json.get("n").intValue() : 1;
    }

    /** How many tools (or legacy functions) the caller offered the model. */
    public int toolsOffered() {
        return json.path("tools").size() + json.path("functions").size();
    }

    /** {@code response_format.type} (text, json_object, json_schema), or null when the caller set none. */
    public String responseFormat() {
        JsonNode t = json.path("response_format").path("type");
        return t.isTextual() ? t.asText() : null;
    }

    /**
     * The fields besides the conversation that shape an answer (tools, response format, seed, stop,
     * penalties, ...), canonically: part of the cache key, so two calls share an answer only when
     * they asked the same thing the same way.
     */
    public String shapingFields() {
        StringBuilder sb = new StringBuilder();
        json.fieldNames().forEachRemaining(f -> {
            if (!NOT_ANSWER_SHAPING.contains(f)) {
                sb.append(f).append('=').append(json.get(f)).append('\u001f');
            }
        });
        return sb.toString();
    }

    /** Whether an answer to this request may be served from the cache: one text choice, no tools, no log-probabilities. */
    public boolean cacheable() {
        return toolsOffered() == 0 && answers() == 1 && !json.path("logprobs").asBoolean(false)
                && !json.has("audio") && !json.has("modalities");
    }

    /** Field names present, for the providers that must refuse what they cannot translate. */
    public Iterable<String> fieldNames() {
        return json::fieldNames;
    }

    /** Every message, for a translation that must look at each one. */
    public ArrayNode messages() {
        return messages;
    }
}
