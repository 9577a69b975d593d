package dev.pilotlight.jobs.metrics;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Folds the events of one series and window into a {@link SeriesAccumulator}. */
public final class SeriesAggregate implements AggregateFunction<SeriesEvent, SeriesAccumulator, SeriesAccumulator> {
    private static final long serialVersionUID = 1L;

    @Override
    public SeriesAccumulator createAccumulator() {
        return new SeriesAccumulator();
    }

    @Override
    public SeriesAccumulator add(SeriesEvent e, SeriesAccumulator acc) {
        if (e.invocation() != null) {
            acc.add(e.invocation());
        } else if (e.feedback() != null) {
            acc.add(e.feedback());
        }
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
