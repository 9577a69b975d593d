package dev.pilotlight.gateway.policy;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What commands from the guard have put in force on this replica: blocked, throttled and degraded
 * users (or every user of a tenant or route: the commands' {@code scope}), paused routes and route
 * model overrides, each with its expiry. Every replica applies the same commands, so all replicas
 * hold the same policies.
 */
public final class Policies {
    /** Whom a user policy covers. */
    public enum Scope { USER, TENANT, ROUTE }

    /** The caller a policy is looked up for: a user of a tenant, on a route (null for a direct model call). */
    public record Subject(String user, String tenant, String route) {
        String name(Scope scope) {
            return switch (scope) {
                case USER -> user;
                case TENANT -> tenant;
                case ROUTE -> route;
            };
        }
    }

    /**
     * One kind of user policy (blocks, throttles, degradations), a map per scope: a request looks up its user,
     * tenant and route without building a key.
     */
    private static final class ByScope<T> {
        private final Map<Scope, Map<String, Expiring<T>>> maps = new EnumMap<>(Scope.class);

        ByScope() {
            for (Scope s : Scope.values()) {
                maps.put(s, new ConcurrentHashMap<>());
            }
        }

        void put(Scope scope, String name, T value, long until) {
            maps.get(scope).put(name, new Expiring<>(value, until));
        }

        void remove(Scope scope, String name) {
            maps.get(scope).remove(name);
        }

        Optional<T> get(Scope scope, String name, long now) {
            return active(maps.get(scope), name, now);
        }

        /** The policy in force on the subject's user, tenant or route, in that order. */
        Optional<T> first(Subject s, long now) {
            for (Scope scope : Scope.values()) {
                Optional<T> v = get(scope, s.name(scope), now);
                if (v.isPresent()) {
                    return v;
                }
            }
            return Optional.empty();
        }
    }

    private final ByScope<String> blocked = new ByScope<>();
    private final ByScope<Long> throttled = new ByScope<>();
    private final ByScope<String> degraded = new ByScope<>();
    private final Map<String, Expiring<String>> pausedRoutes = new ConcurrentHashMap<>();
    private final Map<String, Expiring<String>> routeModels = new ConcurrentHashMap<>();

    public void block(Scope scope, String target, String reason, long until) {
        blocked.put(scope, target, reason, until);
    }

    public void throttle(Scope scope, String target, long perMinute, long until) {
        throttled.put(scope, target, perMinute, until);
    }

    public void degrade(Scope scope, String target, String reason, long until) {
        degraded.put(scope, target, reason, until);
    }

    /** Lifts a block, a throttle and a degradation of the target. */
    public void unblock(Scope scope, String target) {
        blocked.remove(scope, target);
        throttled.remove(scope, target);
        degraded.remove(scope, target);
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

    /** Why the subject is blocked (by a block on the user, its tenant or its route), if it is. */
    public Optional<String> blocked(Subject s, long now) {
        return blocked.first(s, now);
    }

    /** The lowest rate any throttle on the user, its tenant or its route allows. */
    public Optional<Long> throttle(Subject s, long now) {
        Optional<Long> lowest = Optional.empty();
        for (Scope scope : Scope.values()) {
            Optional<Long> rate = throttled.get(scope, s.name(scope), now);
            if (rate.isPresent() && (lowest.isEmpty() || rate.get() < lowest.get())) {
                lowest = rate;
            }
        }
        return lowest;
    }

    /** Why the subject must be served by the cheap tier, if it must. */
    public Optional<String> degraded(Subject s, long now) {
        return degraded.first(s, now);
    }

    public Optional<String> blocked(String user, long now) {
        return blocked.get(Scope.USER, user, now);
    }

    public Optional<Long> throttle(String user, long now) {
        return throttled.get(Scope.USER, user, now);
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
