package dev.pilotlight.jobs.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * The mSPRT's likelihood ratio against the paper's two-stream form (Johari et al. 2019, n pairs, per-pair
 * variance 2σ²), written out here from that form rather than from the general one the code uses.
 */
class MixtureSprtTest {

    @Property(tries = 300)
    void withEqualArmsItIsThePapersTwoStreamFormula(@ForAll @IntRange(min = 10, max = 20000) int n,
                                                     @ForAll @IntRange(min = 1, max = 99) int pct0, @ForAll @IntRange(min = 1, max = 99) int pct1,
                                                     @ForAll @DoubleRange(min = 0.01, max = 0.5) double tau) {
        long a0 = Math.round(n * pct0 / 100.0);
        long a1 = Math.round(n * pct1 / 100.0);
        double pooled = (a0 + a1) / (2.0 * n);
        Assume.that(pooled > 0 && pooled < 1);
        double sigma2 = pooled * (1 - pooled);
        double diff = a1 / (double) n - a0 / (double) n;
        double t2 = tau * tau;
        double lambda = Math.sqrt(2 * sigma2 / (2 * sigma2 + n * t2))
                * Math.exp((double) n * n * t2 * diff * diff / (4 * sigma2 * (2 * sigma2 + n * t2)));
        double expected = Math.min(1.0, 1 / lambda);
        assertThat(MixtureSprt.inverseLikelihoodRatio(a0, n, a1, n, tau)).isCloseTo(expected, within(1e-9 + 1e-9 * expected));
    }

    @Property(tries = 100)
    void theAlwaysValidPValueNeverRises(@ForAll @DoubleRange(min = 0, max = 1) double before, @ForAll @DoubleRange(min = 0, max = 1) double next) {
        assertThat(MixtureSprt.update(before, next)).isLessThanOrEqualTo(before).isLessThanOrEqualTo(next);
        assertThat(MixtureSprt.update(null, next)).isEqualTo(next);
    }
}
