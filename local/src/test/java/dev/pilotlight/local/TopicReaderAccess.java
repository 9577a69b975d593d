package dev.pilotlight.local;

import java.time.Duration;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** {@link TopicReader} for tests in other packages: whether a matching record shows up within a short read. */
public final class TopicReaderAccess {
    private TopicReaderAccess() {}

    public static boolean find(String bootstrap, String topic, Predicate<ConsumerRecord<String, byte[]>> match) {
        return TopicReader.find(bootstrap, topic, match, Duration.ofSeconds(2)).isPresent();
    }
}
