package dev.pilotlight.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.junit.jupiter.api.Test;

/** Checkpointing as a production user would set it, and a checkpoint directory only when one is named. */
class GuardApplicationTest {
    private static final Map<String, String> ENV = Map.of(JobOptions.DEFAULT_KEY_ENV, "application-test-key-application-test!");

    @Test
    void checkpointsAreRetainedToleratedPacedUnalignedUnderBackPressureAndInTheClustersDirectory() {
        Configuration c = GuardApplication.flinkConfiguration(JobOptions.parse(new String[0], ENV));
        assertThat(c.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION)).isEqualTo(ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        assertThat(c.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(3);
        assertThat(c.get(CheckpointingOptions.MIN_PAUSE_BETWEEN_CHECKPOINTS)).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.get(CheckpointingOptions.ENABLE_UNALIGNED)).isTrue();
        assertThat(c.get(CheckpointingOptions.ALIGNED_CHECKPOINT_TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE)).isEqualTo(CheckpointingMode.EXACTLY_ONCE);
        assertThat(c.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(128);
        assertThat(c.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).as("the cluster's directory, not a local default").isFalse();

        Configuration named = GuardApplication.flinkConfiguration(JobOptions.parse(
                new String[] {"--checkpoint-dir", "s3://bucket/guard", "--tolerable-checkpoint-failures", "10", "--max-parallelism", "256"}, ENV));
        assertThat(named.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY)).isEqualTo("s3://bucket/guard");
        assertThat(named.get(CheckpointingOptions.TOLERABLE_FAILURE_NUMBER)).isEqualTo(10);
        assertThat(named.get(PipelineOptions.MAX_PARALLELISM)).isEqualTo(256);
    }

    @Test
    void timeBoundsAreOptionsWithDefaultsAndCheckedValues() {
        JobOptions o = JobOptions.parse(new String[0], ENV);
        assertThat(o.maxClockSkew()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.maxEventAge()).isEqualTo(Duration.ofHours(24));
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--max-clock-skew", "soon", "--max-parallelism", "0"}, ENV))
                .hasMessageContaining("--max-clock-skew").hasMessageContaining("--max-parallelism");
    }
}
