package dev.pilotlight.reports.drift;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.DriftSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a route's drift snapshots of a period from guard.drift: seeks to the period's start by the
 * broker's append time (a window is appended after it ends), reads to the end the topic has now, and
 * keeps the windows that started in the period. Records that do not decode are counted and skipped.
 */
public final class DriftSnapshotReader {
    private final String bootstrap;

    public DriftSnapshotReader(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** What was read: the snapshots in window order, and how many records could not be read. */
    public record Snapshots(List<DriftSnapshot> windows, int unreadable) {}

    public Snapshots read(String route, long from, long to) {
        List<DriftSnapshot> out = new ArrayList<>();
        int unreadable = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.DRIFT, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(Topics.DRIFT, p.partition())).toList();
            c.assign(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            Map<TopicPartition, Long> query = new HashMap<>();
            parts.forEach(p -> query.put(p, from));
            Map<TopicPartition, OffsetAndTimestamp> start = c.offsetsForTimes(query);
            parts.forEach(p -> c.seek(p, start.get(p) == null ? end.get(p) : start.get(p).offset()));
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (!route.equals(r.key())) {
                        continue;
                    }
                    try {
                        DriftSnapshot s = JsonCodec.decode(r.value(), DriftSnapshot.class);
                        if (route.equals(s.route()) && s.windowStart() >= from && s.windowStart() < to) {
                            out.add(s);
                        }
                    } catch (DecodeException e) {
                        unreadable++;
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(DriftSnapshot::windowStart).thenComparing(DriftSnapshot::promptVersion));
        return new Snapshots(List.copyOf(out), unreadable);
    }
}
