package dev.pilotlight.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.gateway.http.ApiError;
import dev.pilotlight.gateway.provider.ChatTurn;

/**
 * What a chat message must look like for the gateway to read it: a known role, and content that is
 * a string, an array of typed parts, or null where OpenAI allows it (an assistant turn that only
 * called tools). Anything else about a message is the provider's to check.
 */
final class MessageShape {
    private MessageShape() {}

    /** @return the message's role as sent */
    static String check(JsonNode m, int i) {
        String at = "messages[" + i + "]";
        if (!m.isObject() || !m.path("role").isTextual()) {
            throw ApiError.wrongType(at + ".role", "a string: system, developer, user, assistant or tool");
        }
        String role = m.get("role").asText();
        if (!role.equals("system") && !role.equals("developer") && !role.equals("user") && !role.equals("assistant")
                && !role.equals("tool") && !role.equals("function")) {
            throw ApiError.badRequest(at + ".role", at + ".role must be system, developer, user, assistant or tool");
        }
        JsonNode content = m.get("content");
        boolean calls = m.path("tool_calls").isArray() || m.path("function_call").isObject();
        if (content == null || content.isNull()) {
            if (!(role.equals("assistant") && calls)) {
                throw ApiError.badRequest(at + ".content", at + ".content is required (only an assistant turn with tool_calls may omit it)");
            }
        } else if (content.isArray()) {
            for (int p = 0; p < content.size(); p++) {
                JsonNode part = content.get(p);
                if (!part.isObject() || !part.path("type").isTextual()) {
                    throw ApiError.badRequest(at + ".content[" + p + "]", at + ".content[" + p + "] must be an object with a 'type'");
                }
                String field = textField(part);
                if (field != null && !part.path(field).isTextual()) {
                    throw ApiError.wrongType(at + ".content[" + p + "]." + field, "a string");
                }
            }
        } else if (!content.isTextual()) {
            throw ApiError.badRequest(at + ".content", at + ".content must be a string or an array of content parts");
        }
        if (role.equals("tool") && !m.path("tool_call_id").isTextual()) {
            throw ApiError.badRequest(at + ".tool_call_id", at + " is a tool result and needs the tool_call_id it answers");
        }
        return role;
    }

    /** The field of a content part that holds text the guards read, or null for images, audio and files. */
    static String textField(JsonNode part) {
        return switch (part.path("type").asText()) {
            case "text" -> "text";
            case "refusal" -> "refusal";
            default -> null;
        };
    }

    static ChatTurn.Role role(String role) {
        return switch (role) {
            case "system", "developer" -> ChatTurn.Role.SYSTEM;
            case "assistant" -> ChatTurn.Role.ASSISTANT;
            case "tool", "function" -> ChatTurn.Role.TOOL;
            default -> ChatTurn.Role.USER;
        };
    }
}
