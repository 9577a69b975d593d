package dev.pilotlight.common.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.stat.descriptive.moment.StandardDeviation;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/** Each measure against a value computed another way in the test: by definition, from samples, or from the distribution. */
class DriftMeasuresTest {
    private static final long[] REF = {120, 340, 260, 180, 70, 30, 0};
    private static final long[] CUR = {40, 150, 220, 260, 190, 110, 30};

    @Test
    void psiIsTheSumOfBothKullbackLeiblerDivergences() {
        double[] p = smoothed(REF);
        double[] q = smoothed(CUR);
        double expected = kl(q, p) + kl(p, q); // PSI = KL(q‖p) + KL(p‖q) on the smoothed shares
        assertThat(DriftMeasures.psi(REF, CUR)).isCloseTo(expected, within(1e-12));
        assertThat(DriftMeasures.psi(REF, REF)).isZero();
    }

    @Test
    void jensenShannonDistanceIsTheSquareRootOfTheEntropyGap() {
        double[] p = shares(REF);
        double[] q = shares(CUR);
        double[] m = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            m[i] = (p[i] + q[i]) / 2;
        }
        double expected = Math.sqrt(entropy(m) - (entropy(p) + entropy(q)) / 2); // JSD = H(M) − (H(P)+H(Q))/2
        assertThat(DriftMeasures.jensenShannon(REF, CUR)).isCloseTo(expected, within(1e-12));
        assertThat(DriftMeasures.jensenShannon(new long[] {10, 0}, new long[] {0, 10})).isCloseTo(Math.sqrt(Math.log(2)), within(1e-12));
    }

    @Test
    void wassersteinMatchesTheDistanceBetweenSampleQuantilesOverTheReferenceSpread() {
        Bins bins = Bins.COUNTS;
        long[] ref = {300, 200, 100, 50, 30, 20, 0, 0};
        long[] cur = {100, 100, 100, 100, 100, 100, 60, 40};
        List<Double> a = samples(bins, ref);
        List<Double> b = samples(bins, cur);
        // equal sizes: W1 is the mean absolute difference of the sorted samples
        double w = 0;
        for (int i = 0; i < a.size(); i++) {
            w += Math.abs(a.get(i) - b.get(i));
        }
        w /= a.size();
        double sd = new StandardDeviation(false).evaluate(a.stream().mapToDouble(Double::doubleValue).toArray());
        assertThat(DriftMeasures.wassersteinNormed(bins, ref, cur)).isCloseTo(w / sd, within(1e-9));
    }

    @Test
    void chiSquarePValueMatchesTheStatisticOfTheTwoByKTable() {
        long[] ref = {120, 340, 260, 180, 70, 30};
        long[] cur = {40, 150, 220, 260, 190, 110};
        double n1 = 0;
        double n2 = 0;
        for (int i = 0; i < ref.length; i++) {
            n1 += ref[i];
            n2 += cur[i];
        }
        double stat = 0;
        for (int i = 0; i < ref.length; i++) {
            double col = ref[i] + cur[i];
            double e1 = col * n1 / (n1 + n2);
            double e2 = col * n2 / (n1 + n2);
            stat += (ref[i] - e1) * (ref[i] - e1) / e1 + (cur[i] - e2) * (cur[i] - e2) / e2;
        }
        double expected = 1 - new ChiSquaredDistribution(ref.length - 1).cumulativeProbability(stat);
        assertThat(DriftMeasures.chiSquarePValue(ref, cur)).isCloseTo(expected, within(1e-9));
        assertThat(DriftMeasures.chiSquarePValue(new long[] {5, 0}, new long[] {9, 0})).isEqualTo(1.0);
    }

    @Test
    void samplesOfOneDistributionRarelyLookDrifted() {
        Random r = new Random(7);
        int rejected = 0;
        for (int run = 0; run < 400; run++) {
            long[] a = new long[6];
            long[] b = new long[6];
            for (int i = 0; i < 500; i++) {
                a[(int) Math.min(5, Math.abs(r.nextGaussian() * 2))]++;
                b[(int) Math.min(5, Math.abs(r.nextGaussian() * 2))]++;
            }
            if (DriftMeasures.chiSquarePValue(a, b) < 0.05) {
                rejected++;
            }
        }
        assertThat(rejected / 400.0).isBetween(0.01, 0.10); // the test's size is its α
    }

    @Test
    void aRareCategorySeenAFewTimesMoreIsPooledNotDrift() {
        long[] ref = {400, 300, 200, 98, 2}; // denial, approval, missing documents, status update, other
        long[] cur = {40, 30, 20, 5, 5};     // "other" 5 times where 0.6 were expected
        ChiSquareTest test = new ChiSquareTest();
        assertThat(test.chiSquareTestDataSetsComparison(ref, cur)).as("unpooled: the rare cell alone reads as drift").isLessThan(1e-6);
        // "other" (expected 0.6 on the smaller side) pooled, and the pool, still sparse, into the sparsest judged bin
        double expected = test.chiSquareTestDataSetsComparison(new long[] {400, 300, 200, 100}, new long[] {40, 30, 20, 10});
        assertThat(DriftMeasures.chiSquarePValue(ref, cur)).isCloseTo(expected, within(1e-12)).isGreaterThan(0.5);
        // a shift in the common bins is still found
        assertThat(DriftMeasures.chiSquarePValue(ref, new long[] {5, 5, 30, 60, 0})).isLessThan(1e-6);
    }

    @Test
    void smallWindowsOfAMixWithRareCategoriesLookDriftedAtTheTestsSize() {
        double[] mix = {0.4, 0.35, 0.2, 0.045, 0.005}; // the drift demo's pilot mix, with a rare "other"
        double alpha = 0.05 / 16; // the per-feature significance of the shipped settings
        Random r = new Random(11);
        int rejected = 0;
        int runs = 40_000;
        for (int run = 0; run < runs; run++) {
            if (DriftMeasures.chiSquarePValue(draw(mix, 400, r), draw(mix, 60, r)) < alpha) {
                rejected++;
            }
        }
        // at the test's size, within ~4 standard errors (0.00028); unpooled, the rare cells made it 0.0069
        assertThat(rejected / (double) runs).isBetween(0.0015, 0.0045);
    }

    private static long[] draw(double[] mix, int n, Random r) {
        long[] counts = new long[mix.length];
        for (int i = 0; i < n; i++) {
            double x = r.nextDouble();
            int k = 0;
            while (k < mix.length - 1 && x >= mix[k]) {
                x -= mix[k++];
            }
            counts[k]++;
        }
        return counts;
    }

    private static List<Double> samples(Bins bins, long[] counts) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            for (long k = 0; k < counts[i]; k++) {
                out.add(bins.representative(i));
            }
        }
        Collections.sort(out);
        return out;
    }

    private static double[] shares(long[] c) {
        double t = 0;
        for (long x : c) {
            t += x;
        }
        double[] s = new double[c.length];
        for (int i = 0; i < c.length; i++) {
            s[i] = c[i] / t;
        }
        return s;
    }

    private static double[] smoothed(long[] c) {
        double[] s = shares(c);
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.max(s[i], 0.0001);
        }
        return s;
    }

    private static double kl(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * Math.log(a[i] / b[i]);
        }
        return s;
    }

    private static double entropy(double[] p) {
        double h = 0;
        for (double x : p) {
            h -= x == 0 ? 0 : x * Math.log(x);
        }
        return h;
    }
}
