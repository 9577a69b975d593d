package dev.pilotlight.jobs;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleValidationException;
import dev.pilotlight.jobs.ingest.Envelope;
import dev.pilotlight.jobs.ingest.EnvelopeDecoder;
import dev.pilotlight.jobs.sink.KafkaGuardSinks;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Entry point of the shaded jar ({@code flink run jobs/target/pilotlight-jobs-*-flink.jar --bootstrap ...}).
 * Rules are read and validated here, before submission: an invalid rule file stops the job from starting.
 */
public final class GuardApplication {
    public static final String JOB_NAME = "pilotlight-guard";

    private GuardApplication() {}

    public static void main(String[] args) throws Exception {
        JobOptions options;
        RuleSet rules;
        try {
            options = JobOptions.parse(args, System.getenv());
            rules = RuleSetLoader.load(options.rulesPath());
        } catch (IllegalArgumentException | RuleValidationException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flinkConfiguration(options));
        build(env, options, rules);
        env.execute(JOB_NAME);
    }

    /** Builds the production graph (Kafka in, Kafka out) on {@code env}; the embedded stack uses this too. */
    public static void build(StreamExecutionEnvironment env, JobOptions options, RuleSet rules) {
        GuardPipeline.build(env, kafkaSource(options), KafkaGuardSinks.create(options.bootstrap(), new Properties()),
                settings(options, rules));
    }

    /** Starts the graph without waiting for it to end. */
    public static JobClient start(StreamExecutionEnvironment env, JobOptions options, RuleSet rules) throws Exception {
        build(env, options, rules);
        return env.executeAsync(JOB_NAME);
    }

    public static GuardSettings settings(JobOptions o, RuleSet rules) {
        return new GuardSettings(o.modules(), rules, CommandSigner.fromSecret(o.controlKey()), o.commandTtl(),
                o.maxDecisionLag(), o.outOfOrderness(), o.idleness(), o.metricsWindow(), o.allowedLateness(),
                System.currentTimeMillis(), o.miniBatch(), o.feedbackHorizon());
    }

    /** RocksDB state and periodic checkpoints; a cluster's own settings for these are overridden. */
    public static Configuration flinkConfiguration(JobOptions o) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.checkpointDir());
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, o.checkpointInterval());
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        return c;
    }

    static KafkaSource<Envelope> kafkaSource(JobOptions o) {
        return KafkaSource.<Envelope>builder()
                .setBootstrapServers(o.bootstrap())
                .setTopics(Topics.GUARD_INPUTS)
                .setGroupId(o.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(
                        o.startLatest() ? OffsetResetStrategy.LATEST : OffsetResetStrategy.EARLIEST))
                .setDeserializer(new EnvelopeDecoder(CommandSigner.fromSecret(o.controlKey())))
                .setProperty("fetch.max.wait.ms", "50") // low latency over batching: decisions must be quick
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }
}
