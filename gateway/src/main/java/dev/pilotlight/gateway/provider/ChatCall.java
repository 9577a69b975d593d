package dev.pilotlight.gateway.provider;

import dev.pilotlight.gateway.openai.ChatBody;
import java.util.List;

/**
 * What is asked of a model: the upstream model name, the prompt version (sent as a header) and the conversation.
 *
 * @param turns the conversation as text (every provider kind can take it)
 * @param body the caller's OpenAI request, guarded and with the route's messages in, when it came as one; null
 *             for the route API. An OpenAI-format provider gets it whole; others translate it or refuse a field.
 */
public record ChatCall(String modelName, String promptVersion, List<ChatTurn> turns, Integer maxTokens, Double temperature,
                       ChatBody body) {
    public ChatCall withModel(String name) {
        return new ChatCall(name, promptVersion, turns, maxTokens, temperature, body);
    }
}
