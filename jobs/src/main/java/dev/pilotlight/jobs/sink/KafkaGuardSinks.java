package dev.pilotlight.jobs.sink;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.experiment.ExperimentState;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;

/**
 * Kafka sinks for alerts, commands, dead letters and metric samples. At-least-once, not transactional: records are
 * sent as they are produced instead of appearing only at the next checkpoint; duplicates after a
 * failure carry the same deterministic ids, and consumers drop them (effectively once).
 */
public final class KafkaGuardSinks {
    private KafkaGuardSinks() {}

    public static GuardSinks create(String bootstrap, Properties producerOverrides) {
        return new GuardSinks(
                sink(bootstrap, producerOverrides, new JsonRecordSchema<Alert>(Topics.ALERTS, Alert::alertId)),
                sink(bootstrap, producerOverrides, new JsonRecordSchema<ControlCommand>(Topics.CONTROL, ControlCommand::target)),
                deadLetters(bootstrap, producerOverrides),
                sink(bootstrap, producerOverrides, new JsonRecordSchema<MetricSample>(Topics.METRICS, MetricSample::seriesKey)),
                sink(bootstrap, producerOverrides, new JsonRecordSchema<DriftSnapshot>(Topics.DRIFT, DriftSnapshot::route)),
                sink(bootstrap, producerOverrides, new JsonRecordSchema<ExperimentState>(Topics.EXPERIMENTS, ExperimentState::promptId)),
                sink(bootstrap, producerOverrides, new JsonRecordSchema<dev.pilotlight.common.usage.Scorecard>(Topics.SCORECARDS,
                        dev.pilotlight.common.usage.Scorecard::key)));
    }

    /** Dead letters alone, for jobs that write elsewhere (the InfluxDB writer). */
    public static KafkaSink<DeadLetter> deadLetters(String bootstrap, Properties producerOverrides) {
        return sink(bootstrap, producerOverrides, new JsonRecordSchema<DeadLetter>(Topics.DLQ, DeadLetter::sourceTopic));
    }

    private static <T> KafkaSink<T> sink(String bootstrap, Properties overrides, JsonRecordSchema<T> schema) {
        Properties p = new Properties();
        p.setProperty("linger.ms", "0"); // decisions are rare and urgent: do not batch them
        p.setProperty("acks", "all");
        p.putAll(overrides);
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrap)
                .setKafkaProducerConfig(p)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .setRecordSerializer(schema)
                .build();
    }
}
