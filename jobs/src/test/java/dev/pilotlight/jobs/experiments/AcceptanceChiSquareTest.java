package dev.pilotlight.jobs.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The verdict's statistics against formulas computed here, independently of the production code's use of
 * commons-math3's tests: the 2x2 chi-square equals the square of the pooled two-proportion z, the Wilson
 * interval its closed form, Newcombe's interval its definition, and the ratio check the goodness-of-fit sum.
 */
class AcceptanceChiSquareTest {
    private static final NormalDistribution NORMAL = new NormalDistribution();

    @Property(tries = 300)
    void pValueIsThatOfThePooledTwoProportionZ(@ForAll @IntRange(min = 20, max = 5000) int n0, @ForAll @IntRange(min = 20, max = 5000) int n1,
                                               @ForAll @IntRange(min = 1, max = 99) int pct0, @ForAll @IntRange(min = 1, max = 99) int pct1) {
        long a0 = Math.round(n0 * pct0 / 100.0);
        long a1 = Math.round(n1 * pct1 / 100.0);
        AcceptanceChiSquare.Result r = AcceptanceChiSquare.of(a0, n0, a1, n1, 0.95);
        double p0 = a0 / (double) n0;
        double p1 = a1 / (double) n1;
        double pooled = (a0 + a1) / (double) (n0 + n1);
        Assume.that(pooled > 0 && pooled < 1); // one outcome only: its own property below
        double z = (p1 - p0) / Math.sqrt(pooled * (1 - pooled) * (1.0 / n0 + 1.0 / n1));
        assertThat(r.pValue()).isCloseTo(2 * (1 - NORMAL.cumulativeProbability(Math.abs(z))), within(1e-9));
        assertThat(r.effect()).isCloseTo(p1 - p0, within(1e-12));
        // Newcombe's hybrid score interval from the closed-form Wilson bounds
        double[] w0 = wilson(a0, n0);
        double[] w1 = wilson(a1, n1);
        double low = (p1 - p0) - Math.sqrt(Math.pow(p1 - w1[0], 2) + Math.pow(w0[1] - p0, 2));
        double high = (p1 - p0) + Math.sqrt(Math.pow(w1[1] - p1, 2) + Math.pow(p0 - w0[0], 2));
        assertThat(r.low()).isCloseTo(low, within(1e-9));
        assertThat(r.high()).isCloseTo(high, within(1e-9));
        assertThat(r.low()).isLessThanOrEqualTo(r.effect());
        assertThat(r.high()).isGreaterThanOrEqualTo(r.effect());
    }

    @Property(tries = 200)
    void sampleRatioPValueIsTheGoodnessOfFitSum(@ForAll @IntRange(min = 0, max = 3000) int production,
                                                 @ForAll @IntRange(min = 0, max = 3000) int candidate,
                                                 @ForAll @IntRange(min = 1, max = 99) int splitPct) {
        double split = splitPct / 100.0;
        Double p = SampleRatioCheck.pValue(production, candidate, split);
        long n = production + candidate;
        if (n == 0) {
            assertThat(p).isNull();
            return;
        }
        double e0 = n * (1 - split);
        double e1 = n * split;
        double stat = Math.pow(production - e0, 2) / e0 + Math.pow(candidate - e1, 2) / e1;
        assertThat(p).isCloseTo(1 - new ChiSquaredDistribution(1).cumulativeProbability(stat), within(1e-9));
    }

    @Property(tries = 100)
    void oneOutcomeOnlyTellsNothing(@ForAll @IntRange(min = 1, max = 2000) int n0, @ForAll @IntRange(min = 1, max = 2000) int n1) {
        assertThat(AcceptanceChiSquare.of(n0, n0, n1, n1, 0.95).pValue()).isEqualTo(1.0);
        assertThat(AcceptanceChiSquare.of(0, n0, 0, n1, 0.95).pValue()).isEqualTo(1.0);
    }

    /** Wilson's score interval, closed form, z for 95%. */
    private static double[] wilson(long successes, long n) {
        double z = NORMAL.inverseCumulativeProbability(0.975);
        double p = successes / (double) n;
        double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
        double half = z / (1 + z * z / n) * Math.sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        return new double[] {centre - half, centre + half};
    }
}
