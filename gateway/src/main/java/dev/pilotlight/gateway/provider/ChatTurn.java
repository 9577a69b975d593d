package dev.pilotlight.gateway.provider;

/** One message of a conversation sent upstream. */
public record ChatTurn(Role role, String content) {
    public enum Role { SYSTEM, USER, ASSISTANT }
}
