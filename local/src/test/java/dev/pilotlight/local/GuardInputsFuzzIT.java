package dev.pilotlight.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.local.stack.LocalGuardJob;
import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.kafka.PoisonRecords;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard job reads six topics; anyone who can write to them may write anything. Every record it
 * cannot use becomes a dead letter with its reason (a compacted topic's tombstone is skipped, a bad
 * dead letter is not written again), and the job keeps deciding on what comes next.
 */
class GuardInputsFuzzIT {
    private static final String KEY = "fuzz-test-key-fuzz-test-key-fuzz-0000";
    private static final String PROBE = """
            rules:
              - id: fuzz-probe
                metric: errors
                group_by: [route]
                window: 30s
                op: ">="
                threshold: 5
                tier: 1
            """;

    @Test
    void poisonOnEveryInputTopicIsDeadLetteredAndTheJobStillAlerts(@TempDir Path dir) throws Exception {
        Path rules = Fixtures.alertRulesWith(dir.resolve("rules"), Map.of("probe.yaml", PROBE));
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     kafka.bootstrapServers(), ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "2000000"), new StringSerializer(),
                     new ByteArraySerializer())) {
            kafka.createContractTopics();
            JobClient job = LocalGuardJob.start(kafka.bootstrapServers(), rules, dir.resolve("job"), KEY, 1, "--idleness", "1s");
            try {
                List<String> inputs = List.of(Topics.INVOCATIONS, Topics.FEEDBACK, Topics.HEARTBEATS, Topics.RELEASES, Topics.RULES,
                        Topics.DRIFT_BASELINES, Topics.DLQ);
                for (String topic : inputs) {
                    for (byte[] poison : PoisonRecords.all()) {
                        producer.send(new ProducerRecord<>(topic, topic.equals(Topics.RULES) ? "rules" : "poison", poison));
                    }
                }
                long now = System.currentTimeMillis();
                for (int i = 0; i < 6; i++) {
                    InvocationEvent e = InvocationEvent.builder().eventId("probe-" + i).timestamp(now + i).gatewayId("gw-fuzz")
                            .tenant("t").userId("u" + i).route("fuzz-route").promptId("fuzz-route").promptVersion("1.0.0")
                            .status(InvocationStatus.ERROR).build();
                    producer.send(new ProducerRecord<>(Topics.INVOCATIONS, e.userId(), JsonCodec.encode(e)));
                }
                producer.flush();
                Deadline.require("the probe rule fires after the poison", Duration.ofSeconds(60), () -> TopicReader.has(
                        kafka.bootstrapServers(), Topics.ALERTS, r -> {
                            Alert a = JsonCodec.decode(r.value(), Alert.class);
                            return a.ruleId().equals("fuzz-probe") && a.state() == Alert.State.FIRING;
                        }));
                assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.RUNNING);

                // events of llm.*: every poison record, null included (an event topic has no tombstones)
                // compacted guard.releases / guard.rules / guard.drift-baselines: all but the tombstone; guard.dlq: nothing (no loop)
                Map<String, Integer> expected = Map.of(Topics.INVOCATIONS, PoisonRecords.all().size(),
                        Topics.FEEDBACK, PoisonRecords.all().size(), Topics.HEARTBEATS, PoisonRecords.all().size(),
                        Topics.RELEASES, PoisonRecords.nonNull(), Topics.RULES, PoisonRecords.nonNull(),
                        Topics.DRIFT_BASELINES, PoisonRecords.nonNull());
                Map<String, Integer> seen = new HashMap<>();
                Deadline.require("a dead letter for each poison record", Duration.ofSeconds(30), () -> {
                    seen.clear();
                    TopicReader.find(kafka.bootstrapServers(), Topics.DLQ, r -> {
                        try {
                            DeadLetter d = JsonCodec.decode(r.value(), DeadLetter.class);
                            if (!d.reason().isBlank()) {
                                seen.merge(d.sourceTopic(), 1, Integer::sum);
                            }
                        } catch (DecodeException ourOwnPoison) {
                            // what this test wrote to guard.dlq itself
                        }
                        return false;
                    }, Duration.ofSeconds(1));
                    return expected.entrySet().stream().allMatch(e -> seen.getOrDefault(e.getKey(), 0) >= e.getValue());
                });
                assertThat(seen).doesNotContainKey(Topics.DLQ);
            } finally {
                LocalGuardJob.cancelAndAwait(job);
            }
        }
    }
}
