package dev.pilotlight.jobs.metrics;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Folds the partials of one series and window into its {@link SeriesAccumulator}. */
public final class SeriesAggregate implements AggregateFunction<SeriesPartial, SeriesAccumulator, SeriesAccumulator> {
    private static final long serialVersionUID = 1L;

    @Override
    public SeriesAccumulator createAccumulator() {
        return new SeriesAccumulator();
    }

    @Override
    public SeriesAccumulator add(SeriesPartial p, SeriesAccumulator acc) {
        acc.merge(p.sums());
        return acc;
    }

    @Override
    public SeriesAccumulator getResult(SeriesAccumulator acc) {
        return acc;
    }

    @Override
    public SeriesAccumulator merge(SeriesAccumulator a, SeriesAccumulator b) {
        a.merge(b);
        return a;
    }
}
