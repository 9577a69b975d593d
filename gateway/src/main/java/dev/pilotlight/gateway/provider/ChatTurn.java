package dev.pilotlight.gateway.provider;

/** One message of a conversation sent upstream. */
public record ChatTurn(Role role, String content) {
    /** TOOL: a tool's result the caller passes back (data the model reads, like a retrieved source). */
    public enum Role { SYSTEM, USER, ASSISTANT, TOOL }
}
