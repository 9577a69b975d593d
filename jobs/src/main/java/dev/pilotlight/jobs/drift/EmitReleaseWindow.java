package dev.pilotlight.jobs.drift;

import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Names a window's histograms with their release and window. */
public final class EmitReleaseWindow extends ProcessWindowFunction<DriftHistograms, ReleaseWindow, String, TimeWindow> {
    @Override
    public void process(String key, Context ctx, Iterable<DriftHistograms> counts, Collector<ReleaseWindow> out) {
        int bar = key.indexOf('|');
        for (DriftHistograms h : counts) {
            out.collect(new ReleaseWindow(key.substring(0, bar), key.substring(bar + 1), ctx.window().getStart(), ctx.window().getEnd(), h));
        }
    }
}
