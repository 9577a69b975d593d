package dev.pilotlight.gateway.policy;

/** A value in force until a moment (epoch ms); {@link Long#MAX_VALUE} for no end. */
public record Expiring<T>(T value, long until) {
    public boolean activeAt(long now) {
        return now < until;
    }
}
