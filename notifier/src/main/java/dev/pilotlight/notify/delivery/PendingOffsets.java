package dev.pilotlight.notify.delivery;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which consumed alerts are not yet delivered to every receiver. The committed offset of a
 * partition never passes the oldest undelivered alert, so a restart delivers it again and nothing
 * is lost (at-least-once; Alertmanager and PagerDuty drop the repeat by labels and dedup key).
 */
public final class PendingOffsets {
    private final Map<TopicPartition, TreeMap<Long, Integer>> pending = new HashMap<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();

    public synchronized void track(TopicPartition tp, long offset, int deliveries) {
        if (deliveries > 0) {
            pending.computeIfAbsent(tp, k -> new TreeMap<>()).put(offset, deliveries);
        }
        next.merge(tp, offset + 1, Math::max);
    }

    public synchronized void done(TopicPartition tp, long offset) {
        TreeMap<Long, Integer> p = pending.get(tp);
        if (p != null) {
            p.computeIfPresent(offset, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    public synchronized Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        next.forEach((tp, n) -> {
            TreeMap<Long, Integer> p = pending.get(tp);
            out.put(tp, new OffsetAndMetadata(p == null || p.isEmpty() ? n : p.firstKey()));
        });
        return out;
    }

    public synchronized int undelivered() {
        return pending.values().stream().mapToInt(TreeMap::size).sum();
    }
}
