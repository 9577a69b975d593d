package dev.pilotlight.gateway.control;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.gateway.release.ReleaseBook;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    /** Called with every rejection (reason, raw command) so it can go to the dead-letter topic. */
    private final BiConsumer<String, byte[]> onRejected;
    private final Cache<String, Long> seen;
    private final Map<CommandOutcome, AtomicLong> counts = new EnumMap<>(CommandOutcome.class);
    private final Deque<AppliedCommand> recent = new ArrayDeque<>();

    public CommandApplier(CommandSigner signer, ReleaseBook releases, Duration dedupWindow, BiConsumer<String, byte[]> onRejected) {
        this.signer = signer;
        this.releases = releases;
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
        if (seen.asMap().putIfAbsent(c.commandId(), now) != null) {
            return tally(CommandOutcome.DUPLICATE);
        }
        CommandOutcome outcome;
        String result;
        try {
            switch (c.type()) {
                case ROLLBACK_PROMPT -> {
                    String from = c.param("fromVersion");
                    if (from == null) {
                        throw new IllegalArgumentException("ROLLBACK_PROMPT needs params.fromVersion");
                    }
                    Optional<ReleaseState> s = releases.rollback(c.target(), from, c.param("toVersion"),
                            "command:" + c.issuer(), c.reason());
                    outcome = s.isPresent() ? CommandOutcome.APPLIED : CommandOutcome.NO_OP;
                    result = s.map(r -> "production " + r.productionVersion()).orElse(from + " no longer served");
                }
                default -> {
                    outcome = CommandOutcome.UNSUPPORTED;
                    result = c.type() + " is not supported by this gateway version";
                }
            }
        } catch (IllegalArgumentException e) {
            return reject(CommandOutcome.REJECTED_INVALID, "command " + c.commandId() + ": " + e.getMessage(), raw);
        }
        tally(outcome);
        synchronized (recent) {
            recent.addFirst(new AppliedCommand(c.commandId(), c.type(), c.target(), c.alertId(), c.issuedAt(), now, result));
            while (recent.size() > RECENT) {
                recent.removeLast();
            }
        }
        LOG.info("command {} {} on {}: {} ({})", c.commandId(), c.type(), c.target(), outcome, result);
        return outcome;
    }

    private CommandOutcome reject(CommandOutcome outcome, String reason, byte[] raw) {
        if (outcome.isSecurityEvent()) {
            LOG.warn("SECURITY control command rejected: {}", reason);
        } else {
            LOG.warn("control command rejected: {}", reason);
        }
        onRejected.accept(outcome + ": " + reason, raw);
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
