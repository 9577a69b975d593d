package dev.pilotlight.gateway.control;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.control.CommandParams;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.gateway.audit.AuditLog;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.policy.Policies;
import dev.pilotlight.gateway.release.ReleaseBook;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies signed commands once: verifies the signature over the bytes as received, refuses
 * expired ones, drops repeats by {@code commandId} (the issuer makes ids deterministic, so a
 * replayed decision is the same command), and reports rejections as security events.
 */
public final class CommandApplier {
    private static final Logger LOG = LoggerFactory.getLogger(CommandApplier.class);
    private static final int RECENT = 100;

    private final CommandSigner signer;
    private final ReleaseBook releases;
    private final Policies policies;
    private final Catalog catalog;
    private final AuditLog audit;
    /** Called with every rejection (reason, raw command) so it can go to the dead-letter topic. */
    private final BiConsumer<String, byte[]> onRejected;
    private final Cache<String, Long> seen;
    private final Map<CommandOutcome, AtomicLong> counts = new EnumMap<>(CommandOutcome.class);
    private final Deque<AppliedCommand> recent = new ArrayDeque<>();

    public CommandApplier(CommandSigner signer, ReleaseBook releases, Policies policies, Catalog catalog, AuditLog audit,
                          Duration dedupWindow, BiConsumer<String, byte[]> onRejected) {
        this.audit = audit;
        this.signer = signer;
        this.releases = releases;
        this.policies = policies;
        this.catalog = catalog;
        this.onRejected = onRejected;
        // commands expire; remembering ids a little longer than any command lives is enough
        this.seen = Caffeine.newBuilder().expireAfterWrite(dedupWindow).maximumSize(100_000).build();
        for (CommandOutcome o : CommandOutcome.values()) {
            counts.put(o, new AtomicLong());
        }
    }

    /**
     * @param replaying true while catching up at start-up: an expired command then is skipped, not flagged
     */
    public CommandOutcome apply(byte[] raw, long now, boolean replaying) {
        ControlCommand c;
        try {
            c = signer.verify(raw);
        } catch (CommandSigner.SignatureException e) {
            return reject(CommandOutcome.REJECTED_SIGNATURE, e.getMessage(), raw);
        } catch (DecodeException e) {
            return reject(CommandOutcome.REJECTED_MALFORMED, e.getMessage(), raw);
        }
        if (c.expiresAt() <= now) {
            if (replaying) {
                return tally(CommandOutcome.SKIPPED_STALE);
            }
            return reject(CommandOutcome.REJECTED_EXPIRED, "command " + c.commandId() + " expired at " + c.expiresAt(), raw);
        }
        List<String> bad = CommandParams.problems(c.type(), c.params(), c.issuedAt());
        if (!bad.isEmpty()) {
            return reject(CommandOutcome.REJECTED_INVALID, "command " + c.commandId() + ": " + String.join("; ", bad), raw);
        }
        if (seen.asMap().putIfAbsent(c.commandId(), now) != null) {
            return tally(CommandOutcome.DUPLICATE);
        }
        String result;
        try {
            result = execute(c, now);
        } catch (IllegalArgumentException e) {
            return reject(CommandOutcome.REJECTED_INVALID, "command " + c.commandId() + ": " + e.getMessage(), raw);
        }
        CommandOutcome outcome = result == null ? CommandOutcome.NO_OP : CommandOutcome.APPLIED;
        if (result == null) {
            result = "already in effect";
        }
        tally(outcome);
        // stamped once in force, not with the time it arrived: verifying and applying can wait for a core on a
        // busy replica, and a call admitted after appliedAt must see the command
        long appliedAt = Math.max(now, System.currentTimeMillis());
        synchronized (recent) {
            recent.addFirst(new AppliedCommand(c.commandId(), c.type(), c.target(), c.alertId(), c.issuedAt(), appliedAt, result));
            while (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
        LOG.info("command {} {} on {}: {} ({})", c.commandId(), c.type(), c.target(), outcome, result);
        audit.record("command:" + c.issuer(), "command-" + outcome.name().toLowerCase(java.util.Locale.ROOT), c.target(),
                java.util.Map.of("commandId", c.commandId(), "type", c.type().name(), "result", result,
                        "alertId", c.alertId() == null ? "" : c.alertId(), "reason", c.reason() == null ? "" : c.reason()));
        return outcome;
    }

    /**
     * Whether a release command was decided on a release revision that has changed since (two decisions
     * racing on one route: the one made on the current revision wins, the other is a no-op).
     */
    private boolean stale(ControlCommand c) {
        String revision = c.param("revision");
        ReleaseState current = releases.current(c.target()).orElseThrow(() -> new IllegalArgumentException("unknown prompt " + c.target()));
        return revision != null && parseLong(revision, "revision") != current.revision();
    }

    /**
     * Puts one command in force. Effects end at {@code params.until} (epoch ms) when given, else when
     * the command itself expires.
     *
     * @return what changed, or null when nothing had to (already in effect)
     * @throws IllegalArgumentException when the command cannot be applied as written
     */
    private String execute(ControlCommand c, long now) {
        long until = c.param("until") == null ? c.expiresAt() : parseLong(c.param("until"), "until");
        String by = "command:" + c.issuer();
        switch (c.type()) {
            case ROLLBACK_PROMPT -> {
                String from = required(c, "fromVersion");
                if (stale(c)) {
                    return null;
                }
                return releases.rollback(c.target(), from, c.param("toVersion"), by, c.reason())
                        .map(r -> "production " + r.productionVersion()).orElse(null);
            }
            case PROMOTE_VARIANT -> {
                String version = required(c, "version");
                if (stale(c)) {
                    return null;
                }
                return releases.promote(c.target(), version, by, c.reason()).map(r -> "production " + r.productionVersion()).orElse(null);
            }
            case SET_SPLIT -> {
                double split = parseDouble(required(c, "split"), "split");
                if (stale(c)) {
                    return null;
                }
                String candidate = c.param("candidate") != null ? c.param("candidate")
                        : releases.current(c.target()).map(ReleaseState::candidateVersion).orElse(null);
                if (candidate == null) {
                    throw new IllegalArgumentException("SET_SPLIT needs params.candidate: " + c.target() + " has no candidate");
                }
                ReleaseState r = releases.release(c.target(), null, candidate, split, by, c.reason());
                return "candidate " + r.candidateVersion() + " at " + r.candidateSplit();
            }
            case BLOCK_USER -> {
                policies.block(scope(c), c.target(), c.reason() == null ? "blocked by the guard" : c.reason(), until);
                return scoped(c, "blocked until " + java.time.Instant.ofEpochMilli(until));
            }
            case UNBLOCK_USER -> {
                policies.unblock(scope(c), c.target());
                return scoped(c, "unblocked");
            }
            case THROTTLE_USER -> {
                long perMinute = parseLong(required(c, "perMinute"), "perMinute");
                if (perMinute < 0) {
                    throw new IllegalArgumentException("perMinute must not be negative");
                }
                policies.throttle(scope(c), c.target(), perMinute, until);
                return scoped(c, "throttled to " + perMinute + "/min until " + java.time.Instant.ofEpochMilli(until));
            }
            case DEGRADE_USER -> {
                policies.degrade(scope(c), c.target(), c.reason() == null ? "over quota" : c.reason(), until);
                return scoped(c, "served by the cheap tier until " + java.time.Instant.ofEpochMilli(until));
            }
            case ROUTE_MODEL -> {
                String model = required(c, "model");
                if (catalog.model(model).isEmpty()) {
                    throw new IllegalArgumentException("unknown model alias " + model);
                }
                policies.routeModel(c.target(), model, until);
                return "route " + c.target() + " on " + model + " until " + until;
            }
            case PAUSE_ROUTE -> {
                if ("false".equals(c.param("paused"))) {
                    policies.resume(c.target());
                    return "route " + c.target() + " resumed";
                }
                policies.pause(c.target(), c.reason() == null ? "paused by the guard" : c.reason(), until);
                return "route " + c.target() + " paused until " + until;
            }
            default -> throw new IllegalArgumentException("unknown command type " + c.type());
        }
    }

    /** Whom a user command covers: the target user, or every user of the tenant or route its {@code scope} names. */
    private static Policies.Scope scope(ControlCommand c) {
        String scope = c.param("scope");
        return scope == null ? Policies.Scope.USER : Policies.Scope.valueOf(scope.toUpperCase(java.util.Locale.ROOT));
    }

    private static String scoped(ControlCommand c, String result) {
        return c.param("scope") == null || "user".equals(c.param("scope")) ? result : result + " (every user of " + c.param("scope")
                + " " + c.target() + ")";
    }

    private static String required(ControlCommand c, String param) {
        String v = c.param(param);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(c.type() + " needs params." + param);
        }
        return v;
    }

    private static long parseLong(String v, String name) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("params." + name + " must be a whole number");
        }
    }

    private static double parseDouble(String v, String name) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("params." + name + " must be a number");
        }
    }

    private CommandOutcome reject(CommandOutcome outcome, String reason, byte[] raw) {
        if (outcome.isSecurityEvent()) {
            LOG.warn("SECURITY control command rejected: {}", reason);
        } else {
            LOG.warn("control command rejected: {}", reason);
        }
        onRejected.accept(outcome + ": " + reason, raw == null ? new byte[0] : raw);
        audit.record("unverified", "command-rejected", null, java.util.Map.of("outcome", outcome.name(), "reason", reason));
        return tally(outcome);
    }

    private CommandOutcome tally(CommandOutcome o) {
        counts.get(o).incrementAndGet();
        return o;
    }

    public long count(CommandOutcome... outcomes) {
        long n = 0;
        for (CommandOutcome o : outcomes) {
            n += counts.get(o).get();
        }
        return n;
    }

    public Map<CommandOutcome, Long> counts() {
        Map<CommandOutcome, Long> m = new EnumMap<>(CommandOutcome.class);
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }

    public List<AppliedCommand> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
