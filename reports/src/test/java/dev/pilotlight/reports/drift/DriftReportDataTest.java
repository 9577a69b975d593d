package dev.pilotlight.reports.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.common.event.DriftBaseline;
import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.common.event.ReleaseChange;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

class DriftReportDataTest {
    private static final long MIN = 60_000;

    @Test
    void thePeriodIsComparedWithThePinnedBaselineAndTheJobsDecisionsAreCounted() {
        Map<String, Map<String, Long>> baseline = Map.of("output_tokens", Map.of("[8,11)", 80L, "[128,181)", 20L));
        List<DriftSnapshot> windows = List.of(
                window(0, Map.of("[8,11)", 40L, "[128,181)", 60L), baseline, false, 0.2),
                window(1, Map.of("[8,11)", 30L, "[128,181)", 70L), baseline, true, 1.4));
        DriftReportData d = DriftReportData.of("claims", 0, 2 * MIN, new DriftSnapshotReader.Snapshots(windows, 1));
        assertThat(d.referenceKind()).isEqualTo("baseline");
        DriftReportData.FeatureSection f = d.features().get(0);
        assertThat(f.bins()).containsExactly("[8,11)", "[128,181)"); // by lower edge, not alphabetically
        assertThat(f.current()).containsExactly(70, 130);
        assertThat(f.reference()).containsExactly(80, 20);
        assertThat(f.pValue()).isCloseTo(new ChiSquareTest().chiSquareTest(new long[][] {{80, 20}, {70, 130}}), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(f.windowsDrifted()).isEqualTo(1);
        assertThat(f.windowsScored()).isEqualTo(2);
        assertThat(d.releases()).containsExactly(new ReleaseChange(30_000, "claims 1.1.0 to production (was 1.0.0)"));
        assertThat(DriftReportWriter.summary(d)).contains("Output drift: output_tokens in 1 of 2 windows (PSI up to 1.40).",
                "Input: not enough data to judge (no window had enough samples on both sides).",
                "1 records of guard.drift could not be read and were skipped.");
    }

    @Test
    void aBaselineAddsUpTheChosenVersionsAndRefusesAnEmptyPeriod() {
        List<DriftSnapshot> windows = List.of(window(0, Map.of("[8,11)", 40L), Map.of(), false, 0), window(1, Map.of("[8,11)", 2L), Map.of(), false, 0));
        DriftBaseline b = BaselineCapture.of("claims", 0, 2 * MIN, Set.of("1.1.0"), windows, "ops", 5);
        assertThat(b.counts()).isEqualTo(Map.of("output_tokens", Map.of("[8,11)", 42L)));
        assertThat(b.versions()).containsExactly("1.1.0");
        assertThat(b.clears()).isFalse();
        assertThat(BaselineCapture.clearing("claims", "ops", 5).clears()).isTrue();
        assertThatThrownBy(() -> BaselineCapture.of("claims", 0, 2 * MIN, Set.of("9.9.9"), windows, "ops", 5))
                .hasMessageContaining("nothing to pin");
    }

    private static DriftSnapshot window(int i, Map<String, Long> current, Map<String, Map<String, Long>> baseline, boolean drifted, double psi) {
        DriftScore s = new DriftScore(1, "claims", "1.1.0", "output_tokens", "output", "baseline", "pilot", i * MIN, (i + 1) * MIN, 100, 100,
                DriftScore.SCORED, psi, 0.1, 0.2, 0.01, "chi_square", 0.01, 0.05, drifted, null, List.of());
        return new DriftSnapshot(1, "claims", "1.1.0", i * MIN, (i + 1) * MIN, Map.of("output_tokens", current),
                baseline.isEmpty() ? Map.of() : Map.of("baseline", baseline), Map.of(), List.of(s),
                List.of(new ReleaseChange(30_000, "claims 1.1.0 to production (was 1.0.0)")));
    }
}
