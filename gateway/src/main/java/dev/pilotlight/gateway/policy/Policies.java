package dev.pilotlight.gateway.policy;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What commands from the guard have put in force on this replica: blocked and throttled users,
 * paused routes and route model overrides, each with its expiry. Every replica applies the same
 * commands, so all replicas hold the same policies.
 */
public final class Policies {
    private final Map<String, Expiring<String>> blockedUsers = new ConcurrentHashMap<>();
    private final Map<String, Expiring<Long>> throttledUsers = new ConcurrentHashMap<>();
    private final Map<String, Expiring<String>> pausedRoutes = new ConcurrentHashMap<>();
    private final Map<String, Expiring<String>> routeModels = new ConcurrentHashMap<>();

    public void block(String user, String reason, long until) {
        blockedUsers.put(user, new Expiring<>(reason, until));
    }

    public void throttle(String user, long perMinute, long until) {
        throttledUsers.put(user, new Expiring<>(perMinute, until));
    }

    public void unblock(String user) {
        blockedUsers.remove(user);
        throttledUsers.remove(user);
    }

    public void pause(String route, String reason, long until) {
        pausedRoutes.put(route, new Expiring<>(reason, until));
    }

    public void resume(String route) {
        pausedRoutes.remove(route);
    }

    public void routeModel(String route, String model, long until) {
        routeModels.put(route, new Expiring<>(model, until));
    }

    public Optional<String> blocked(String user, long now) {
        return active(blockedUsers, user, now);
    }

    public Optional<Long> throttle(String user, long now) {
        return active(throttledUsers, user, now);
    }

    public Optional<String> paused(String route, long now) {
        return active(pausedRoutes, route, now);
    }

    public Optional<String> modelOverride(String route, long now) {
        return active(routeModels, route, now);
    }

    private static <T> Optional<T> active(Map<String, Expiring<T>> m, String key, long now) {
        Expiring<T> e = key == null ? null : m.get(key);
        if (e == null) {
            return Optional.empty();
        }
        if (!e.activeAt(now)) {
            m.remove(key, e);
            return Optional.empty();
        }
        return Optional.of(e.value());
    }
}
