package dev.pilotlight.jobs.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.jobs.JobOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped defaults are the playbook's; a file overrides key by key, and every problem names its file and line. */
class ExperimentSettingsTest {
    @TempDir
    Path dir;

    @Test
    void theShippedDefaultsAreThePlaybooks() {
        ExperimentSettings d = ExperimentSettings.defaults();
        assertThat(d.alpha()).isEqualTo(0.05);
        assertThat(d.minSamples()).isEqualTo(1000);
        assertThat(d.srmP()).isEqualTo(0.001);
        assertThat(d.maxDuration()).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void aFileOverridesWhatItSetsAndEveryProblemIsNamedWithItsLine() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.yaml"), "min_samples: 1250\nmax_rater_share: 0.1\n");
        ExperimentSettings s = ExperimentSettings.load(ok);
        assertThat(s.minSamples()).isEqualTo(1250);
        assertThat(s.maxRaterShare()).isEqualTo(0.1);
        assertThat(s.alpha()).isEqualTo(0.05);

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "alpha: 0.9\nmin_samples: 5\nhorizon: 10\n");
        assertThatThrownBy(() -> ExperimentSettings.load(bad)).hasMessageContaining(bad + ":1: alpha must be a number from")
                .hasMessageContaining(bad + ":2: min_samples must be a whole number from 10")
                .hasMessageContaining(bad + ":3:");
        assertThatThrownBy(() -> JobOptions.parse(new String[] {"--experiment-settings", bad.toString()},
                Map.of(JobOptions.DEFAULT_KEY_ENV, "a-control-key-of-at-least-32-bytes!!")))
                .hasMessageContaining("--experiment-settings:").hasMessageContaining(bad + ":2:");
    }
}
