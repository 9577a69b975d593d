package dev.pilotlight.gateway.provider;

/**
 * The caller went away while its answer was streaming. Not a provider failure: no retry, no
 * fallback, nothing counted by the circuit breaker, and the event says CANCELLED, never ERROR, so
 * abandoned streams cannot roll back a healthy release (docs/security.md).
 */
public final class ClientCancelled extends RuntimeException {
    public ClientCancelled(String message) {
        super(message, null, false, false);
    }
}
