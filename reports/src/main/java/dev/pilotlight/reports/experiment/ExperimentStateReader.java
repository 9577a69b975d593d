package dev.pilotlight.reports.experiment;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.experiment.ExperimentState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every state of a route's experiments that guard.experiments still holds (compacted: the latest of
 * each prompt always, older ones until the broker compacts them). With a signer, only states the guard
 * signed are kept; without one, none is verified and the report says so.
 */
public final class ExperimentStateReader {
    private final String bootstrap;
    private final CommandSigner signer;

    /** @param signer the control key's signer, or null to read without verifying */
    public ExperimentStateReader(String bootstrap, CommandSigner signer) {
        this.bootstrap = bootstrap;
        this.signer = signer;
    }

    /** The states read in the order they were published, and how many records were refused (unreadable or unsigned). */
    public record States(List<ExperimentState> states, int refused, boolean verified) {}

    public States read(String route, long from, long to) {
        List<ExperimentState> out = new ArrayList<>();
        int refused = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(Topics.EXPERIMENTS, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(Topics.EXPERIMENTS, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue;
                    }
                    try {
                        ExperimentState s = signer == null ? JsonCodec.decode(r.value(), ExperimentState.class)
                                : signer.verify(r.value(), ExperimentState.class, "experiment state");
                        if (route.equals(s.route()) && s.updatedAt() >= from && s.updatedAt() < to) {
                            out.add(s);
                        }
                    } catch (DecodeException | CommandSigner.SignatureException e) {
                        refused++;
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(ExperimentState::updatedAt));
        return new States(List.copyOf(out), refused, signer != null);
    }
}
