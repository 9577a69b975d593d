package dev.pilotlight.jobs.experiments;

import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;
import org.apache.commons.math3.stat.interval.WilsonScoreInterval;

/**
 * The primary metric's test: acceptance (accepted or minor edits, of all ratings with an acceptance)
 * of candidate vs production, a chi-square test of independence on the 2x2 table (commons-math3, no
 * continuity correction), and the effect (difference of rates) with Newcombe's hybrid Wilson interval.
 */
public final class AcceptanceChiSquare {
    private AcceptanceChiSquare() {}

    /** @param low,high the effect's interval at the given confidence */
    public record Result(double pValue, double effect, double low, double high) {}

    public static Result of(long acceptedProduction, long samplesProduction, long acceptedCandidate, long samplesCandidate, double confidence) {
        double p0 = acceptedProduction / (double) samplesProduction;
        double p1 = acceptedCandidate / (double) samplesCandidate;
        double effect = p1 - p0;
        ConfidenceInterval w0 = wilson(samplesProduction, acceptedProduction, confidence);
        ConfidenceInterval w1 = wilson(samplesCandidate, acceptedCandidate, confidence);
        double low = effect - Math.sqrt(sq(p1 - w1.getLowerBound()) + sq(w0.getUpperBound() - p0));
        double high = effect + Math.sqrt(sq(w1.getUpperBound() - p1) + sq(p0 - w0.getLowerBound()));
        long acceptedAll = acceptedProduction + acceptedCandidate;
        long all = samplesProduction + samplesCandidate;
        if (acceptedAll == 0 || acceptedAll == all) {
            return new Result(1.0, effect, low, high); // one outcome only: nothing to tell the arms apart by
        }
        long[][] table = {
                {acceptedProduction, samplesProduction - acceptedProduction},
                {acceptedCandidate, samplesCandidate - acceptedCandidate}};
        return new Result(new ChiSquareTest().chiSquareTest(table), effect, low, high);
    }

    /** A rate's Wilson score interval; null without trials. */
    public static ConfidenceInterval wilson(long trials, long successes, double confidence) {
        if (trials <= 0) {
            return null;
        }
        long s = Math.max(0, Math.min(successes, trials));
        return new WilsonScoreInterval().createInterval(Math.toIntExact(trials), Math.toIntExact(s), confidence);
    }

    private static double sq(double x) {
        return x * x;
    }
}
