package dev.pilotlight.gateway.auth;

import java.util.Set;

/** Who is calling: resolved from an API key. */
public record Principal(String keyId, String userId, String tenant, Set<Role> roles) {
    public boolean has(Role role) {
        return roles.contains(role);
    }
}
