package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A piece of a streamed answer.
 *
 * @param text the answer text it adds (empty when it carries only tool-call deltas or a finish reason)
 * @param chunk the provider's own chunk when it speaks OpenAI's format (relayed with every field), else null
 */
public record Delta(String text, ObjectNode chunk) {
    public static Delta text(String text) {
        return new Delta(text, null);
    }
}
