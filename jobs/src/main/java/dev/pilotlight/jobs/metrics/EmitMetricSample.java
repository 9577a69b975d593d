package dev.pilotlight.jobs.metrics;

import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.jobs.sketch.DistinctSketch;
import dev.pilotlight.jobs.sketch.LatencySketch;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Emits a window's aggregate as a MetricSample; each later firing (a late event within the allowed
 * lateness) re-emits it with the next revision.
 */
public final class EmitMetricSample extends ProcessWindowFunction<SeriesAccumulator, MetricSample, String, TimeWindow> {
    private static final long serialVersionUID = 1L;
    private static final ValueStateDescriptor<Integer> REVISION = new ValueStateDescriptor<>("revision", Types.INT);

    @Override
    public void process(String key, Context ctx, Iterable<SeriesAccumulator> in, Collector<MetricSample> out) throws Exception {
        SeriesAccumulator a = in.iterator().next();
        ValueState<Integer> revision = ctx.windowState().getState(REVISION);
        int rev = revision.value() == null ? 0 : revision.value() + 1;
        revision.update(rev);
        String dimension = SeriesKeys.dimension(key);
        Map<String, String> labels = SeriesKeys.labels(key);
        Histogram h = LatencySketch.decode(a.latency);
        boolean anyCalls = a.calls > 0;
        long rated = a.thumbsUp + a.thumbsDown;
        out.collect(new MetricSample(SchemaVersion.CURRENT, key, dimension, labels, ctx.window().getStart(), ctx.window().getEnd(), rev,
                a.calls, a.errors, anyCalls ? (double) a.errors / a.calls : null,
                anyCalls ? LatencySketch.quantile(h, 0.50) : null, anyCalls ? LatencySketch.quantile(h, 0.95) : null,
                anyCalls ? LatencySketch.quantile(h, 0.99) : null,
                a.inputTokens, a.outputTokens, a.spendUsd, anyCalls ? a.spendUsd / a.calls : null,
                a.cacheHits, anyCalls ? (double) a.cacheHits / a.calls : null,
                a.fallbacks, anyCalls ? (double) a.fallbacks / a.calls : null,
                a.injectionAttempts, a.users == null ? 0 : Math.round(DistinctSketch.estimate(List.of(a.users))),
                a.feedback, a.thumbsUp, a.thumbsDown, rated > 0 ? (double) a.thumbsDown / rated : null,
                a.acceptanceStated > 0 ? (double) a.accepted / a.acceptanceStated : null, null));
    }

    @Override
    public void clear(Context ctx) throws Exception {
        ctx.windowState().getState(REVISION).clear();
    }
}
