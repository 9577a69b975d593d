package dev.pilotlight.jobs;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleValidationException;
import dev.pilotlight.jobs.ingest.Envelope;
import dev.pilotlight.jobs.ingest.EnvelopeDecoder;
import dev.pilotlight.jobs.ingest.TimeBounds;
import java.time.Duration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
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
        env.setMaxParallelism(options.maxParallelism());
        GuardPipeline.build(env, eventSource(options), controlSource(options), KafkaGuardSinks.create(options.bootstrap(), new Properties()),
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
                RuleSetLoader.lastModified(o.rulesPath()), o.miniBatch(), o.feedbackHorizon(), o.backlogIdleness(), o.drift())
                .withExperiments(o.experiments()).withCost(o.cost()).withUsage(o.usage());
    }

    /**
     * RocksDB state and checkpoints as a production user would set them (docs/operations.md,
     * "Checkpoints"): kept when the job is cancelled, a few failed ones tolerated (an unreachable
     * storage for a minute must not restart the job), a pause between them, unaligned once alignment
     * takes longer than 10 s under backpressure. The checkpoint directory is the cluster's
     * ({@code state.checkpoints.dir}) unless {@code --checkpoint-dir} names one.
     */
    public static Configuration flinkConfiguration(JobOptions o) {
        Configuration c = new Configuration();
        c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        if (o.checkpointDir() != null) {
            c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, o.checkpointDir());
        }
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, o.checkpointInterval());
        c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        c.set(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER, o.tolerableCheckpointFailures());
        c.set(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS, Duration.ofMillis(Math.min(5_000, o.checkpointInterval().toMillis() / 2)));
        c.set(CheckpointingOptions.ENABLE_UNALIGNED, true);
        c.set(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT, Duration.ofSeconds(10));
        c.set(PipelineOptions.MAX_PARALLELISM, o.maxParallelism());
        return c;
    }

    /** The events (llm.*, and the gateways' rejected commands on guard.dlq), from the group's committed offsets. */
    static KafkaSource<Envelope> eventSource(JobOptions o) {
        return KafkaSource.<Envelope>builder()
                .setBootstrapServers(o.bootstrap())
                .setTopics(Topics.GUARD_EVENTS)
                .setGroupId(o.groupId())
                .setStartingOffsets(OffsetsInitializer.committedOffsets(
                        o.startLatest() ? OffsetResetStrategy.LATEST : OffsetResetStrategy.EARLIEST))
                .setDeserializer(decoder(o))
                .setProperty("fetch.max.wait.ms", "50") // low latency over batching: decisions must be quick
                .setProperty("partition.discovery.interval.ms", "60000")
                .build();
    }

    /**
     * The compacted control topics (guard.releases, guard.rules), from their beginning whenever the job
     * starts without state (a cancel, an incompatible upgrade): their whole history is what the broadcast
     * state is built from. With state, the source resumes where its checkpoint says. Never from the
     * group's committed offsets, which would skip the history.
     */
    static KafkaSource<Envelope> controlSource(JobOptions o) {
        return KafkaSource.<Envelope>builder()
                .setBootstrapServers(o.bootstrap())
                .setTopics(Topics.GUARD_CONTROL_INPUTS)
                .setGroupId(o.groupId() + "-control")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(decoder(o))
                .setProperty("commit.offsets.on.checkpoint", "false")
                .setProperty("fetch.max.wait.ms", "50")
                .build();
    }

    private static EnvelopeDecoder decoder(JobOptions o) {
        return new EnvelopeDecoder(CommandSigner.fromSecret(o.controlKey()), new TimeBounds(o.maxClockSkew(), o.maxEventAge()));
    }
}
