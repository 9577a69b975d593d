package dev.pilotlight.local.rules;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Collects every record of guard.alerts in the background, for tests to wait on. */
final class AlertCollector implements AutoCloseable {
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    AlertCollector(String bootstrap) {
        thread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                TopicPartition tp = new TopicPartition(Topics.ALERTS, 0);
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                        alerts.add(JsonCodec.decode(r.value(), Alert.class));
                    }
                }
            }
        }, "alert-collector");
        thread.setDaemon(true);
        thread.start();
    }

    List<Alert> matching(Predicate<Alert> p) {
        return alerts.stream().filter(p).toList();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
