package dev.pilotlight.testkit.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning until a record matches or the deadline passes (no sleeps). */
public final class TopicReader {
    private TopicReader() {}

    public static Optional<ConsumerRecord<String, byte[]>> find(String bootstrap, String topic, Predicate<ConsumerRecord<String, byte[]>> match, Duration within) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (match.test(r)) {
                        return Optional.of(r);
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** Whether a matching record shows up within a short read (for polling with a Deadline). */
    public static boolean has(String bootstrap, String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        return find(bootstrap, topic, match, Duration.ofSeconds(2)).isPresent();
    }

    /** Every record of the topic, from its beginning to the end it has now. */
    public static List<ConsumerRecord<String, byte[]>> all(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            List<ConsumerRecord<String, byte[]>> out = new java.util.ArrayList<>();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    public static String text(ConsumerRecord<String, byte[]> r) {
        return r.value() == null ? "" : new String(r.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
