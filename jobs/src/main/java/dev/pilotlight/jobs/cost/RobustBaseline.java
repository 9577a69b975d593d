package dev.pilotlight.jobs.cost;

import org.apache.commons.math3.stat.descriptive.rank.Median;

/**
 * How far a value lies from an entity's own history, in robust units: the median of the history and its
 * median absolute deviation scaled by 1.4826 (the standard deviation, for normal data), with a floor so
 * that a perfectly steady history does not turn every small change into an infinite score.
 *
 * @param median   the history's median
 * @param spread   1.4826 × MAD, or the floor when larger
 * @param score    (value − median) / spread
 */
public record RobustBaseline(double value, double median, double mad, double spread, double score, int weeks) {
    /** 1 / Φ⁻¹(3/4): makes the MAD a consistent estimate of the standard deviation of normal data. */
    static final double MAD_SCALE = 1.4826;

    /**
     * @param minSpreadFraction the spread is at least this share of the median
     * @param minSpread         and at least this much (a count or dollars)
     */
    public static RobustBaseline of(double value, double[] history, double minSpreadFraction, double minSpread) {
        Median median = new Median();
        double m = median.evaluate(history);
        double[] deviations = new double[history.length];
        for (int i = 0; i < history.length; i++) {
            deviations[i] = Math.abs(history[i] - m);
        }
        double mad = median.evaluate(deviations);
        double spread = Math.max(MAD_SCALE * mad, Math.max(minSpreadFraction * m, minSpread));
        return new RobustBaseline(value, m, mad, spread, (value - m) / spread, history.length);
    }

    /** The score of another value against the same history (the spender ranking scores every top user on one baseline). */
    public double scoreOf(double other) {
        return (other - median) / spread;
    }
}
