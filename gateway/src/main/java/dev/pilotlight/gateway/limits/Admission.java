package dev.pilotlight.gateway.limits;

import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.auth.Principal;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.ModelSpec;
import dev.pilotlight.gateway.policy.Policies;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a call may go to a model: the user is not blocked, the route is not paused,
 * the user's rate limit (or a lower throttle of the guard's) has a token, a caller the guard degraded is
 * on a cheap-tier model, and the user's daily cap can hold
 * the call's worst-case cost, which is reserved until the call settles.
 */
public final class Admission {
    /** The catalog tier a degraded caller may be served by. */
    public static final String CHEAP = "cheap";
    /** Embeddings have no cheaper tier and cost a fraction of a chat call: a degraded caller keeps them. */
    private static final String EMBEDDING = "embedding";
    private final Policies policies;
    private final RateLimits rateLimits;
    private final SpendLedger ledger;
    private final Catalog catalog;
    private final long userPerMinute;

    public Admission(Policies policies, RateLimits rateLimits, SpendLedger ledger, Catalog catalog, long userPerMinute) {
        this.policies = policies;
        this.rateLimits = rateLimits;
        this.ledger = ledger;
        this.catalog = catalog;
        this.userPerMinute = userPerMinute;
    }

    /**
     * @param route the route name, or null for a direct model call
     * @param models the aliases that may answer (the reservation uses the dearest)
     * @param inputTokens the whole request as sent (system prompt, sources, every message), estimated generously
     * @param answers how many answers the call asks for (OpenAI's {@code n}): each may be the model's longest
     * @throws Rejected when the call may not proceed
     */
    public SpendLedger.Reservation admit(Principal p, String route, List<String> models, long inputTokens, int answers, long now) {
        Policies.Subject subject = subject(p, route);
        Optional<String> blocked = policies.blocked(subject, now);
        if (blocked.isPresent()) {
            throw new Rejected(InvocationStatus.RATE_LIMITED, 403, "user_blocked", "this user is blocked: " + blocked.get(), null);
        }
        Optional<String> paused = route == null ? Optional.empty() : policies.paused(route, now);
        if (paused.isPresent()) {
            throw new Rejected(InvocationStatus.RATE_LIMITED, 503, "route_paused", "route " + route + " is paused: " + paused.get(),
                    Duration.ofSeconds(60));
        }
        Optional<String> degraded = policies.degraded(subject, now);
        if (degraded.isPresent() && !catalog.model(models.get(0)).map(m -> CHEAP.equals(m.tier()) || EMBEDDING.equals(m.tier())).orElse(false)) {
            throw new Rejected(InvocationStatus.QUOTA_EXCEEDED, 429, "insufficient_quota", "over quota (" + degraded.get() + ") and "
                    + (route == null ? "model " + models.get(0) : "route " + route) + " has no cheap tier to serve it instead", null);
        }
        long perMinute = Math.min(userPerMinute, policies.throttle(subject, now).orElse(userPerMinute));
        Optional<Duration> wait = rateLimits.tryAcquire("user:" + p.userId(), perMinute);
        if (wait.isPresent()) {
            throw new Rejected(InvocationStatus.RATE_LIMITED, 429, "rate_limit_exceeded",
                    "rate limit of " + perMinute + " requests per minute reached", wait.get());
        }
        // the longest answer each model can give, not the caller's max_tokens: a provider may ignore that
        double worst = 0;
        for (String m : models) {
            ModelSpec spec = catalog.model(m).orElseThrow();
            worst = Math.max(worst, spec.price().cost(inputTokens, (long) spec.maxOutputTokens() * answers));
        }
        return ledger.reserve(p.userId(), worst).orElseThrow(() -> new Rejected(InvocationStatus.QUOTA_EXCEEDED, 429,
                "insufficient_quota", "daily spend cap of $" + ledger.capUsd() + " reached", untilMidnightUtc(now)));
    }

    /**
     * Why the caller must be served by the cheap tier (a DEGRADE_USER on the user, its tenant or the route),
     * if it must: the request path then starts on the route's cheap model.
     */
    public Optional<String> degraded(Principal p, String route, long now) {
        return policies.degraded(subject(p, route), now);
    }

    private static Policies.Subject subject(Principal p, String route) {
        return new Policies.Subject(p.userId(), p.tenant(), route);
    }

    private static Duration untilMidnightUtc(long now) {
        long day = 24L * 3600 * 1000;
        return Duration.ofMillis(day - Math.floorMod(now, day));
    }
}
