package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.rules.Metric;
import dev.pilotlight.jobs.sketch.DistinctSketch;
import dev.pilotlight.jobs.sketch.LatencySketch;
import org.HdrHistogram.Histogram;

/**
 * The contributions of one time bucket, or of a whole window: sums for counts, sums and ratios, a
 * histogram for quantiles, a cardinality sketch of the users for distinct-user metrics and rules
 * with {@code min_users} (buckets only: sketches of distinct values cannot be subtracted). A Flink POJO.
 */
public class WindowAggregate {
    public double numerator;
    public double denominator;
    public byte[] histogram;
    public byte[] distinct;
    /** The decoded histogram of the last update, so evaluating right after it does not decode again. */
    private transient Histogram decoded;

    public WindowAggregate() {}

    public void add(Metric metric, RuleInput in) {
        numerator += in.numerator();
        denominator += in.denominator();
        if (metric.aggregation() == Metric.Aggregation.QUANTILE && in.histogram() != null) {
            Histogram h = histogram();
            h.add(LatencySketch.decode(in.histogram()));
            histogram = LatencySketch.encode(h);
        } else if (metric.aggregation() == Metric.Aggregation.QUANTILE && in.denominator() > 0) {
            Histogram h = histogram();
            LatencySketch.record(h, in.numerator());
            histogram = LatencySketch.encode(h);
        }
        // the users: a distinct-users metric's value, or a rule's min_users evidence
        if (in.distinct() != null) {
            distinct = DistinctSketch.merge(distinct, in.distinct());
        } else if (in.distinctKey() != null) {
            distinct = DistinctSketch.add(distinct, in.distinctKey());
        }
    }

    /** Adds ({@code sign} 1) or removes ({@code sign} -1) another aggregate's sums and histogram. */
    public void combine(Metric metric, WindowAggregate other, int sign) {
        numerator += sign * other.numerator;
        denominator += sign * other.denominator;
        if (metric.aggregation() == Metric.Aggregation.QUANTILE && other.histogram != null) {
            Histogram h = histogram();
            Histogram o = LatencySketch.decode(other.histogram);
            if (sign > 0) {
                h.add(o);
            } else {
                h.subtract(o);
            }
            histogram = LatencySketch.encode(h);
        }
    }

    /** The metric's value; NaN when there is nothing to measure. Not for DISTINCT (see {@link DistinctSketch}). */
    public double value(Metric metric) {
        return switch (metric.aggregation()) {
            case COUNT -> denominator;
            case SUM -> numerator;
            case RATIO -> denominator <= 0 ? Double.NaN : numerator / denominator;
            case QUANTILE -> LatencySketch.quantile(histogram(), metric.quantile());
            case DISTINCT -> throw new IllegalArgumentException("distinct counts are merged from buckets");
        };
    }

    private Histogram histogram() {
        if (decoded == null) {
            decoded = LatencySketch.decode(histogram);
        }
        return decoded;
    }

    /** What counts toward min_samples. Rounded: sums of 1.0 and -1.0 can leave 1e-16 behind. */
    public long samples() {
        return Math.round(denominator);
    }
}
