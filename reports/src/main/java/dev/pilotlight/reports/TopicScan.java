package dev.pilotlight.reports;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** How a report reads a topic: every partition from a start to the end it has now, no consumer group, nothing committed. */
public final class TopicScan {
    private TopicScan() {}

    /** @param from the broker append time to start at (epoch ms), or null for the beginning */
    public static void read(String bootstrap, String topic, Long from, Consumer<ConsumerRecord<String, byte[]>> each) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            if (from == null) {
                c.seekToBeginning(parts);
            } else {
                Map<TopicPartition, Long> query = new HashMap<>();
                parts.forEach(p -> query.put(p, from));
                Map<TopicPartition, OffsetAndTimestamp> start = c.offsetsForTimes(query);
                parts.forEach(p -> c.seek(p, start.get(p) == null ? end.get(p) : start.get(p).offset()));
            }
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }
}
