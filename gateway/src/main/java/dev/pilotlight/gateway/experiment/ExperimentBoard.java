package dev.pilotlight.gateway.experiment;

import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.experiment.ExperimentState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The latest experiment state of each prompt, as the guard job published it on guard.experiments, for
 * the admin API. Only signed states are shown (anyone who can write to the topic must not be able to
 * show a verdict that was never reached); anything else is dead-lettered with its reason.
 */
public final class ExperimentBoard {
    private final CommandSigner signer;
    private final BiConsumer<String, ConsumerRecord<String, byte[]>> deadLetter;
    private final Map<String, ExperimentState> byPrompt = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    public ExperimentBoard(CommandSigner signer, BiConsumer<String, ConsumerRecord<String, byte[]>> deadLetter) {
        this.signer = signer;
        this.deadLetter = deadLetter;
    }

    public void handle(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return; // a compaction tombstone
        }
        try {
            ExperimentState s = signer.verify(r.value(), ExperimentState.class, "experiment state");
            byPrompt.merge(s.promptId(), s.withSignature(null), (old, now) -> now.updatedAt() >= old.updatedAt() ? now : old);
        } catch (CommandSigner.SignatureException | DecodeException | IllegalArgumentException e) {
            refused.incrementAndGet();
            deadLetter.accept("experiment state refused: " + e.getMessage(), r);
        }
    }

    /** Every prompt's latest experiment, by route. */
    public List<ExperimentState> all() {
        List<ExperimentState> out = new ArrayList<>(byPrompt.values());
        out.sort(Comparator.comparing(s -> s.route() == null ? s.promptId() : s.route()));
        return out;
    }

    public long refused() {
        return refused.get();
    }
}
