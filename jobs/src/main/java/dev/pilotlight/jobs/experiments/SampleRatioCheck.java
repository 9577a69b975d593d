package dev.pilotlight.jobs.experiments;

import org.apache.commons.math3.stat.inference.ChiSquareTest;

/**
 * Sample-ratio mismatch: are the users seen in each arm since the split last changed in the ratio the
 * split asks for? Chi-square goodness of fit (commons-math3). Users, not calls, because assignment is
 * per user: one busy user would make a call count look skewed when nothing is broken.
 */
public final class SampleRatioCheck {
    private SampleRatioCheck() {}

    /** The p-value, or null when the split leaves one arm empty by design or no user was seen. */
    public static Double pValue(long productionUsers, long candidateUsers, double split) {
        long n = productionUsers + candidateUsers;
        if (n == 0 || split <= 0 || split >= 1) {
            return null;
        }
        double[] expected = {n * (1 - split), n * split};
        return new ChiSquareTest().chiSquareTest(expected, new long[] {productionUsers, candidateUsers});
    }
}
