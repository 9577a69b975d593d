package dev.pilotlight.common.drift;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.math3.stat.inference.ChiSquareTest;

/**
 * The distances and tests that compare a current histogram with a reference one, on aligned counts
 * (the same bins in the same order). Definitions follow Evidently's, so the figures mean what a data
 * scientist expects (docs/drift.md, "Measures"); the tests are commons-math3's.
 */
public final class DriftMeasures {
    /** Share given to an empty bin by PSI, as Evidently does, so a bin seen on one side only is finite. */
    public static final double EMPTY_SHARE = 0.0001;
    private static final ChiSquareTest CHI_SQUARE = new ChiSquareTest();

    private DriftMeasures() {}

    /** Population stability index: Σ (cur − ref) · ln(cur / ref) over bin shares, empty bins at 0.0001. */
    public static double psi(long[] reference, long[] current) {
        double[] p = shares(reference);
        double[] q = shares(current);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            double a = Math.max(p[i], EMPTY_SHARE);
            double b = Math.max(q[i], EMPTY_SHARE);
            sum += (b - a) * Math.log(b / a);
        }
        return sum;
    }

    /** Jensen–Shannon distance (natural logarithm, as scipy's jensenshannon): 0 identical, at most √ln2 ≈ 0.83. */
    public static double jensenShannon(long[] reference, long[] current) {
        double[] p = shares(reference);
        double[] q = shares(current);
        double js = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2;
            js += half(p[i], m) + half(q[i], m);
        }
        return Math.sqrt(Math.max(0, js));
    }

    private static double half(double x, double m) {
        return x == 0 ? 0 : 0.5 * x * Math.log(x / m);
    }

    /**
     * Wasserstein-1 distance between the two histograms placed at their bins' representative values,
     * divided by the reference's standard deviation (at least 0.001), as Evidently normalises it.
     */
    public static double wassersteinNormed(Bins bins, long[] reference, long[] current) {
        double[] p = shares(reference);
        double[] q = shares(current);
        double cdfP = 0;
        double cdfQ = 0;
        double distance = 0;
        for (int i = 0; i + 1 < p.length; i++) {
            cdfP += p[i];
            cdfQ += q[i];
            distance += Math.abs(cdfP - cdfQ) * (bins.representative(i + 1) - bins.representative(i));
        }
        return distance / Math.max(standardDeviation(bins, p), 0.001);
    }

    private static double standardDeviation(Bins bins, double[] shares) {
        double mean = 0;
        for (int i = 0; i < shares.length; i++) {
            mean += shares[i] * bins.representative(i);
        }
        double var = 0;
        for (int i = 0; i < shares.length; i++) {
            double d = bins.representative(i) - mean;
            var += shares[i] * d * d;
        }
        return Math.sqrt(var);
    }

    /**
     * Least count a bin must be expected to hold on the smaller side for the chi-square test to judge it (Cochran's
     * rule): below it the statistic is not chi-square distributed, and a rare category seen three times where one was
     * expected reads as drift at any significance.
     */
    public static final double MIN_EXPECTED = 5;

    /**
     * p-value of the chi-square test that both histograms come from one distribution (commons-math3's
     * two-sample comparison, which allows different totals). Bins empty on both sides are left out; bins expected
     * to hold fewer than {@link #MIN_EXPECTED} on the smaller side are pooled into one, and the pool, while still
     * that sparse, into the sparsest judged bin; with fewer than two bins left the two are identical (p = 1).
     */
    public static double chiSquarePValue(long[] reference, long[] current) {
        long n1 = total(reference);
        long n2 = total(current);
        if (n1 == 0 || n2 == 0) {
            return 1.0;
        }
        double smallerShare = Math.min(n1, n2) / (double) (n1 + n2);
        List<long[]> judged = new ArrayList<>();
        long[] pool = new long[2];
        for (int i = 0; i < reference.length; i++) {
            long column = reference[i] + current[i];
            if (column * smallerShare >= MIN_EXPECTED) {
                judged.add(new long[] {reference[i], current[i]});
            } else {
                pool[0] += reference[i];
                pool[1] += current[i];
            }
        }
        if ((pool[0] + pool[1]) * smallerShare >= MIN_EXPECTED || judged.isEmpty()) {
            judged.add(pool);
        } else {
            long[] sparsest = judged.stream().min(Comparator.comparingLong(b -> b[0] + b[1])).orElseThrow();
            sparsest[0] += pool[0];
            sparsest[1] += pool[1];
        }
        judged.removeIf(b -> b[0] + b[1] == 0);
        if (judged.size() < 2) {
            return 1.0;
        }
        long[] a = judged.stream().mapToLong(b -> b[0]).toArray();
        long[] b = judged.stream().mapToLong(x -> x[1]).toArray();
        return CHI_SQUARE.chiSquareTestDataSetsComparison(a, b);
    }

    /**
     * A histogram's counts in the order of {@code labels} (bins or categories), 0 where it has none; a
     * negative count (a retraction whose rating fell in an earlier window) counts as 0.
     */
    public static long[] aligned(java.util.List<String> labels, java.util.Map<String, Long> counts) {
        long[] out = new long[labels.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0, counts.getOrDefault(labels.get(i), 0L));
        }
        return out;
    }

    public static long total(long[] counts) {
        long s = 0;
        for (long x : counts) {
            s += x;
        }
        return s;
    }

    private static double[] shares(long[] counts) {
        long total = 0;
        for (long c : counts) {
            total += Math.max(0, c);
        }
        double[] s = new double[counts.length];
        for (int i = 0; i < counts.length && total > 0; i++) {
            s[i] = Math.max(0, counts[i]) / (double) total;
        }
        return s;
    }
}
