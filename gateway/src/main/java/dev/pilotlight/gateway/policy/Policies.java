package dev.pilotlight.gateway.policy;

import java.util.ArrayList;
import java.util.List;
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
    /** Whom a user policy covers; keys are {@code scope:name}. */
    public enum Scope { USER, TENANT, ROUTE }

    /** The caller a policy is looked up for: a user of a tenant, on a route (null for a direct model call). */
    public record Subject(String user, String tenant, String route) {
        List<String> keys() {
            List<String> out = new ArrayList<>(3);
            out.add(key(Scope.USER, user));
            if (tenant != null) {
                out.add(key(Scope.TENANT, tenant));
            }
            if (route != null) {
                out.add(key(Scope.ROUTE, route));
            }
            return out;
        }
    }

    private final Map<String, Expiring<String>> blocked = new ConcurrentHashMap<>();
    private final Map<String, Expiring<Long>> throttled = new ConcurrentHashMap<>();
    private final Map<String, Expiring<String>> degraded = new ConcurrentHashMap<>();
    private final Map<String, Expiring<String>> pausedRoutes = new ConcurrentHashMap<>();
    private final Map<String, Expiring<String>> routeModels = new ConcurrentHashMap<>();

    static String key(Scope scope, String name) {
        return scope.name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
    }

    public void block(Scope scope, String target, String reason, long until) {
        blocked.put(key(scope, target), new Expiring<>(reason, until));
    }

    public void throttle(Scope scope, String target, long perMinute, long until) {
        throttled.put(key(scope, target), new Expiring<>(perMinute, until));
    }

    public void degrade(Scope scope, String target, String reason, long until) {
        degraded.put(key(scope, target), new Expiring<>(reason, until));
    }

    /** Lifts a block, a throttle and a degradation of the target. */
    public void unblock(Scope scope, String target) {
        String k = key(scope, target);
        blocked.remove(k);
        throttled.remove(k);
        degraded.remove(k);
    }

    public void block(String user, String reason, long until) {
        block(Scope.USER, user, reason, until);
    }

    public void throttle(String user, long perMinute, long until) {
        throttle(Scope.USER, user, perMinute, until);
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
        for (String k : s.keys()) {
            Optional<String> why = active(blocked, k, now);
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    /** The lowest rate any throttle on the user, its tenant or its route allows. */
    public Optional<Long> throttle(Subject s, long now) {
        Optional<Long> lowest = Optional.empty();
        for (String k : s.keys()) {
            Optional<Long> rate = active(throttled, k, now);
            if (rate.isPresent() && (lowest.isEmpty() || rate.get() < lowest.get())) {
                lowest = rate;
            }
        }
        return lowest;
    }

    /** Why the subject must be served by the cheap tier, if it must. */
    public Optional<String> degraded(Subject s, long now) {
        for (String k : s.keys()) {
            Optional<String> why = active(degraded, k, now);
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    public Optional<String> blocked(String user, long now) {
        return active(blocked, key(Scope.USER, user), now);
    }

    public Optional<Long> throttle(String user, long now) {
        return active(throttled, key(Scope.USER, user), now);
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
