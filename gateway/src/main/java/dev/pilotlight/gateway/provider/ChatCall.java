package dev.pilotlight.gateway.provider;

import java.util.List;

/** What is asked of a model: the upstream model name, the prompt version (sent as a header) and the conversation. */
public record ChatCall(String modelName, String promptVersion, List<ChatTurn> turns, Integer maxTokens, Double temperature) {
    public ChatCall withModel(String name) {
        return new ChatCall(name, promptVersion, turns, maxTokens, temperature);
    }
}
