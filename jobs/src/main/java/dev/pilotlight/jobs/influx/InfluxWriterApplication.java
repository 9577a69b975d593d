package dev.pilotlight.jobs.influx;

import dev.pilotlight.common.Topics;
import dev.pilotlight.jobs.sink.KafkaGuardSinks;
import java.util.List;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Entry point of the InfluxDB writer, a job of its own in the same jar
 * ({@code flink run -c dev.pilotlight.jobs.influx.InfluxWriterApplication ...}): a slow or absent
 * InfluxDB back-pressures this job only, never detection.
 */
public final class InfluxWriterApplication {
    public static final String JOB_NAME = "pilotlight-influx-writer";
    /** What the writer plots; guard.releases gives the release changes for annotations. */
    public static final List<String> TOPICS = List.of(Topics.METRICS, Topics.ALERTS, Topics.CONTROL, Topics.RELEASES, Topics.EXPERIMENTS);

    private InfluxWriterApplication() {}

    public static void main(String[] args) throws Exception {
        InfluxWriterOptions o;
        try {
            o = InfluxWriterOptions.parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(o));
        build(env, o);
        env.execute(JOB_NAME);
    }

    public static void build(StreamExecutionEnvironment env, InfluxWriterOptions o) {
        InfluxWriterPipeline.build(env, kafkaSource(o),
                new InfluxLineSink(o.target(), o.batchSize(), o.flushInterval(), o.maxBackoff()),
                KafkaGuardSinks.deadLetters(o.bootstrap(), new Properties()), o.topUsers());
    }

    /** Only Kafka offsets are state here; a checkpoint means "everything before it is in InfluxDB". */
    public static Configuration flinkConfiguration(InfluxWriterOptions o) {
        Configuration c = new Configuration();
        if (o.checkpointDir() != null) {
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.checkpointDir());
        }
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, o.checkpointInterval());
        // an InfluxDB outage holds checkpoints back; that is expected and must not restart the job
        c.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, Integer.MAX_VALUE);
        return c;
    }

    static KafkaSource<TopicRecord> kafkaSource(InfluxWriterOptions o) {
        return KafkaSource.<TopicRecord>builder()
                .setBootstrapServers(o.bootstrap())
                .setTopics(TOPICS)
                .setGroupId(o.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(
                        o.startLatest() ? OffsetResetStrategy.LATEST : OffsetResetStrategy.EARLIEST))
                .setDeserializer(new TopicRecordDeserializer())
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }
}
