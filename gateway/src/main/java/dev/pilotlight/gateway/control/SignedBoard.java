package dev.pilotlight.gateway.control;

import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.control.CommandSigner;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The latest signed record of each key on a compacted topic the guard job publishes (experiment states, scorecards), for
 * the admin API. Only signed records are shown (anyone who can write to the topic must not be able to show a verdict
 * that was never reached); anything else is dead-lettered with its reason.
 */
public class SignedBoard<T> {
    private final String topic;
    private final String what;
    private final Class<T> type;
    private final Function<T, String> keyOf;
    private final ToLongFunction<T> timeOf;
    private final Function<T, T> unsigned;
    private final CommandSigner signer;
    private final BiConsumer<String, ConsumerRecord<String, byte[]>> deadLetter;
    private final Map<String, T> byKey = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param what     how the record is named in dead letters ("experiment state")
     * @param timeOf   when a record was decided: an older one never replaces a newer one
     * @param unsigned the record without its signature, as shown
     */
    public SignedBoard(String topic, String what, Class<T> type, Function<T, String> keyOf, ToLongFunction<T> timeOf, Function<T, T> unsigned,
                       CommandSigner signer, BiConsumer<String, ConsumerRecord<String, byte[]>> deadLetter) {
        this.topic = topic;
        this.what = what;
        this.type = type;
        this.keyOf = keyOf;
        this.timeOf = timeOf;
        this.unsigned = unsigned;
        this.signer = signer;
        this.deadLetter = deadLetter;
    }

    public String topic() {
        return topic;
    }

    public void handle(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return; // a compaction tombstone
        }
        try {
            T s = signer.verify(r.value(), type, what);
            byKey.merge(keyOf.apply(s), unsigned.apply(s), (old, now) -> timeOf.applyAsLong(now) >= timeOf.applyAsLong(old) ? now : old);
        } catch (CommandSigner.SignatureException | DecodeException | IllegalArgumentException e) {
            refused.incrementAndGet();
            deadLetter.accept(what + " refused: " + e.getMessage(), r);
        }
    }

    /** Shows a record this replica wrote itself at once, before it comes back through the topic (an older one never replaces it). */
    protected void show(T unsignedRecord) {
        byKey.merge(keyOf.apply(unsignedRecord), unsignedRecord,
                (old, now) -> timeOf.applyAsLong(now) >= timeOf.applyAsLong(old) ? now : old);
    }

    /** The latest record of one key. */
    public java.util.Optional<T> get(String key) {
        return java.util.Optional.ofNullable(byKey.get(key));
    }

    /** The latest record of every key, ordered by {@code order}. */
    public List<T> all(Comparator<T> order) {
        List<T> out = new ArrayList<>(byKey.values());
        out.sort(order);
        return out;
    }

    public long refused() {
        return refused.get();
    }
}
