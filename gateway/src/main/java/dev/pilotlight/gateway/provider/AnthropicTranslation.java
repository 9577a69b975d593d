package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.pilotlight.gateway.openai.ChatBody;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What of an OpenAI request reaches Anthropic through langchain4j (docs/compatibility.md): text and
 * image (data: URL) messages, tools with their schemas, earlier tool calls and their results, and
 * the sampling fields below are translated; fields the gateway itself answers for are accepted;
 * anything else is named and the call refused, never sent without it.
 */
final class AnthropicTranslation {
    private static final Set<String> TRANSLATED = Set.of("model", "messages", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "stop", "stream", "stream_options", "tools", "tool_choice");
    /** The gateway's: the user comes from the API key, and nothing is stored upstream. */
    private static final Set<String> GATEWAY_SIDE = Set.of("user", "metadata", "store");

    private AnthropicTranslation() {}

    static Optional<String> untranslatable(ChatBody body) {
        JsonNode json = body.json();
        for (String f : body.fieldNames()) {
            JsonNode v = json.get(f);
            boolean oneChoice = f.equals("n") && v.isIntegralNumber() && v.intValue() == 1;
            boolean parallel = f.equals("parallel_tool_calls") && v.isBoolean() && v.booleanValue(); // Anthropic's default
            if (!v.isNull() && !TRANSLATED.contains(f) && !GATEWAY_SIDE.contains(f) && !oneChoice && !parallel) {
                return Optional.of(f);
            }
        }
        JsonNode choice = json.path("tool_choice");
        if (!choice.isMissingNode() && !choice.isNull() && !(choice.isTextual() && Set.of("auto", "none", "required").contains(choice.asText()))) {
            return Optional.of("tool_choice (only auto, none or required)");
        }
        for (int i = 0; i < json.path("tools").size(); i++) {
            JsonNode t = json.get("tools").get(i);
            if (!"function".equals(t.path("type").asText()) || !t.path("function").path("name").isTextual()) {
                return Optional.of("tools[" + i + "] (only named functions)");
            }
            JsonNode params = t.path("function").path("parameters");
            if (!params.isMissingNode() && !params.isNull()) {
                Optional<String> p = ToolSchemaTranslation.problem(params, "tools[" + i + "].function.parameters");
                if (p.isPresent()) {
                    return p;
                }
            }
        }
        return messagesProblem(body);
    }

    private static Optional<String> messagesProblem(ChatBody body) {
        Map<String, String> calls = new HashMap<>();
        for (int i = 0; i < body.messages().size(); i++) {
            JsonNode m = body.messages().get(i);
            String role = m.path("role").asText();
            for (String f : List.of("function_call", "audio", "name")) {
                if (m.hasNonNull(f)) {
                    return Optional.of("messages[" + i + "]." + f);
                }
            }
            for (JsonNode c : m.path("tool_calls")) {
                calls.put(c.path("id").asText(), c.path("function").path("name").asText());
            }
            if (role.equals("function") || (role.equals("tool") && !calls.containsKey(m.path("tool_call_id").asText()))) {
                return Optional.of("messages[" + i + "] (a " + role + " result that answers no earlier tool call)");
            }
            JsonNode content = m.path("content");
            for (int p = 0; content.isArray() && p < content.size(); p++) {
                JsonNode part = content.get(p);
                String type = part.path("type").asText();
                boolean dataImage = type.equals("image_url") && part.path("image_url").path("url").asText().matches("data:image/[a-z+.-]+;base64,.*");
                if (!type.equals("text") && !dataImage) {
                    return Optional.of("messages[" + i + "].content[" + p + "] (type " + type
                            + (type.equals("image_url") ? ": only data: URLs are translated" : "") + ")");
                }
                if (!role.equals("user") && dataImage) {
                    return Optional.of("messages[" + i + "].content[" + p + "] (an image outside a user message)");
                }
            }
        }
        return Optional.empty();
    }

    /** The body's conversation as langchain4j messages; call {@link #untranslatable} first. */
    static List<ChatMessage> messages(ChatBody body) {
        List<ChatMessage> out = new ArrayList<>();
        Map<String, String> calls = new HashMap<>();
        for (JsonNode m : body.messages()) {
            switch (m.path("role").asText()) {
                case "system", "developer" -> out.add(SystemMessage.from(text(m.path("content"))));
                case "assistant" -> out.add(assistant(m, calls));
                case "tool" -> out.add(ToolExecutionResultMessage.from(m.path("tool_call_id").asText(),
                        calls.get(m.path("tool_call_id").asText()), text(m.path("content"))));
                default -> out.add(user(m.path("content")));
            }
        }
        return out;
    }

    private static ChatMessage assistant(JsonNode m, Map<String, String> calls) {
        List<ToolExecutionRequest> requests = new ArrayList<>();
        for (JsonNode c : m.path("tool_calls")) {
            calls.put(c.path("id").asText(), c.path("function").path("name").asText());
            requests.add(ToolExecutionRequest.builder().id(c.path("id").asText()).name(c.path("function").path("name").asText())
                    .arguments(c.path("function").path("arguments").asText("{}")).build());
        }
        String text = text(m.path("content"));
        if (requests.isEmpty()) {
            return AiMessage.from(text);
        }
        return text.isEmpty() ? AiMessage.from(requests) : AiMessage.from(text, requests);
    }

    private static ChatMessage user(JsonNode content) {
        if (!content.isArray()) {
            return UserMessage.from(content.asText());
        }
        List<Content> parts = new ArrayList<>();
        for (JsonNode part : content) {
            if (part.path("type").asText().equals("text")) {
                parts.add(TextContent.from(part.path("text").asText()));
            } else {
                String url = part.path("image_url").path("url").asText();
                int comma = url.indexOf(',');
                String mime = url.substring("data:".length(), url.indexOf(';'));
                parts.add(ImageContent.from(url.substring(comma + 1), mime));
            }
        }
        return UserMessage.from(parts);
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder sb = new StringBuilder();
        content.forEach(p -> sb.append(p.path("text").asText("")));
        return sb.toString();
    }

    static List<ToolSpecification> tools(ChatBody body) {
        List<ToolSpecification> out = new ArrayList<>();
        if (body == null) {
            return out;
        }
        for (JsonNode t : body.json().path("tools")) {
            JsonNode f = t.path("function");
            out.add(ToolSpecification.builder().name(f.path("name").asText()).description(f.path("description").asText(null))
                    .parameters(ToolSchemaTranslation.parameters(f.get("parameters"))).build());
        }
        return out;
    }

    static ToolChoice toolChoice(ChatBody body) {
        String c = body == null ? null : body.json().path("tool_choice").asText(null);
        return c == null ? null : switch (c) {
            case "required" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            default -> ToolChoice.AUTO;
        };
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
