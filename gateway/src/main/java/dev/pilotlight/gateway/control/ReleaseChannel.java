package dev.pilotlight.gateway.control;

import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.gateway.audit.AuditLog;
import dev.pilotlight.gateway.release.ReleaseBook;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * guard.releases as one replica reads it. Only a signed state that can be served is adopted (and
 * audited); anything else is dead-lettered with its reason and counted. A signed but older state (a
 * replay of an old record) is answered by publishing the current one again, so the compacted topic
 * never ends on the older state a new replica would start from (docs/security.md).
 */
public final class ReleaseChannel {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseChannel.class);

    private final CommandSigner signer;
    private final ReleaseBook releases;
    private final AuditLog audit;
    private final Consumer<ReleaseState> publish;
    private final BiConsumer<String, ConsumerRecord<String, byte[]>> deadLetter;
    private final AtomicLong refused = new AtomicLong();

    public ReleaseChannel(CommandSigner signer, ReleaseBook releases, AuditLog audit, Consumer<ReleaseState> publish,
                          BiConsumer<String, ConsumerRecord<String, byte[]>> deadLetter) {
        this.signer = signer;
        this.releases = releases;
        this.audit = audit;
        this.publish = publish;
        this.deadLetter = deadLetter;
    }

    public void handle(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return; // a compaction tombstone carries nothing to adopt
        }
        ReleaseState s;
        try {
            s = signer.verify(r.value(), ReleaseState.class, "release state");
            switch (releases.adopt(s)) {
                case ADOPTED -> audit.record(s.updatedBy(), "release-adopted", s.promptId(), details(s));
                case OLDER -> releases.current(s.promptId()).ifPresent(current -> {
                    LOG.warn("release state of {} at revision {} is older than ours ({}): publishing ours again",
                            s.promptId(), s.revision(), current.revision());
                    publish.accept(current);
                });
                case UNCHANGED -> { }
            }
        } catch (CommandSigner.SignatureException | DecodeException | IllegalArgumentException e) {
            refuse(e.getMessage(), r);
        }
    }

    private void refuse(String reason, ConsumerRecord<String, byte[]> r) {
        refused.incrementAndGet();
        LOG.warn("SECURITY release state refused ({}:{}@{}): {}", r.topic(), r.partition(), r.offset(), reason);
        audit.record("unverified", "release-refused", r.key(), Map.of("reason", reason, "offset", r.offset()));
        deadLetter.accept("release state refused: " + reason, r);
    }

    /** Release states refused since start (for metrics). */
    public long refused() {
        return refused.get();
    }

    /** What the audit log records of a release state. */
    public static Map<String, Object> details(ReleaseState s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("revision", s.revision());
        d.put("production", s.productionVersion());
        d.put("previous", s.previousVersion());
        d.put("candidate", s.candidateVersion());
        d.put("split", s.candidateSplit());
        d.put("reason", s.reason());
        return d;
    }
}
