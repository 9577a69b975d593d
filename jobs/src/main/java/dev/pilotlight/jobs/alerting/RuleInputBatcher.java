package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.rules.Metric;
import dev.pilotlight.jobs.batch.MiniBatchOperator;
import dev.pilotlight.jobs.sketch.DistinctSketch;
import dev.pilotlight.jobs.sketch.LatencySketch;
import java.time.Duration;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.apache.datasketches.hll.HllSketch;

/**
 * Merges the rule inputs of one rule, group and second of event time for a short interval, so the
 * evaluator touches its RocksDB state once per merged input rather than once per event. A second
 * never spans two buckets (buckets are whole seconds), so merging changes no window's contents.
 */
public final class RuleInputBatcher extends MiniBatchOperator<RuleInput, RuleInputBatcher.Partial, RuleInput> {
    private static final long serialVersionUID = 1L;

    /** Sums and sketches on the heap while a batch is open. */
    static final class Partial {
        final RuleInput first;
        long timestamp;
        double numerator;
        double denominator;
        Histogram histogram;
        HllSketch users;

        Partial(RuleInput in) {
            first = in;
        }
    }

    public RuleInputBatcher(Duration interval) {
        super(interval.toMillis(), 50_000);
    }

    /** Rule, group and second: no string built per event (building and hashing one was 45 % of the matcher's time). */
    private record BatchKey(String ruleId, List<String> groupValues, long second) {}

    @Override
    protected Object keyOf(RuleInput in) {
        return new BatchKey(in.ruleId(), in.groupValues(), Math.floorDiv(in.timestamp(), 1000));
    }

    @Override
    protected Partial start(RuleInput in) {
        Partial p = new Partial(in);
        add(p, in);
        return p;
    }

    @Override
    protected void add(Partial p, RuleInput in) {
        p.timestamp = Math.max(p.timestamp, in.timestamp());
        p.numerator += in.numerator();
        p.denominator += in.denominator();
        if (in.aggregation() == Metric.Aggregation.QUANTILE && in.denominator() > 0) {
            if (p.histogram == null) {
                p.histogram = LatencySketch.empty();
            }
            LatencySketch.record(p.histogram, in.numerator());
        }
        if (in.distinctKey() != null) {
            if (p.users == null) {
                p.users = DistinctSketch.empty();
            }
            p.users.update(in.distinctKey());
        }
    }

    @Override
    protected RuleInput finish(Partial p) {
        RuleInput f = p.first;
        return new RuleInput(f.ruleId(), RuleInput.keyOf(f.ruleId(), f.groupValues()), f.groupValues(), p.timestamp, p.numerator,
                p.denominator, f.aggregation(), null, p.histogram == null ? null : LatencySketch.encode(p.histogram),
                p.users == null ? null : DistinctSketch.encode(p.users), f.releaseTotals());
    }
}
