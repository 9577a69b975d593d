package dev.pilotlight.jobs.metrics;

import dev.pilotlight.jobs.batch.MiniBatchOperator;
import java.time.Duration;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Merges the events of one series and metrics window for a short interval before the window
 * operator, which then updates its RocksDB state once per partial. An event whose window has already
 * closed (beyond the allowed lateness) is not merged: it goes to {@link #LATE} on its own, to be kept
 * on guard.dlq.
 */
public final class SeriesBatcher extends MiniBatchOperator<SeriesEvent, SeriesBuilder, SeriesPartial> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<SeriesEvent> LATE = new OutputTag<>("late-series-events") {};

    private final long windowMs;
    private final long allowedLatenessMs;

    public SeriesBatcher(Duration window, Duration allowedLateness, Duration interval) {
        super(interval.toMillis(), 50_000);
        this.windowMs = window.toMillis();
        this.allowedLatenessMs = allowedLateness.toMillis();
    }

    private record BatchKey(String seriesKey, long windowStart) {}

    @Override
    protected Object keyOf(SeriesEvent e) {
        return late(e) ? null : new BatchKey(e.seriesKey(), Math.floorDiv(e.timestamp(), windowMs) * windowMs);
    }

    /** The window operator's own test: window.maxTimestamp() + allowedLateness <= watermark. */
    private boolean late(SeriesEvent e) {
        long start = Math.floorDiv(e.timestamp(), windowMs) * windowMs;
        return currentWatermark() != Long.MIN_VALUE && start + windowMs - 1 + allowedLatenessMs <= currentWatermark();
    }

    @Override
    protected void passOn(StreamRecord<SeriesEvent> record) {
        if (late(record.getValue())) {
            output.collect(LATE, record);
        } else {
            super.passOn(record); // batching off: a partial of one
        }
    }

    @Override
    protected SeriesBuilder start(SeriesEvent e) {
        SeriesBuilder b = new SeriesBuilder(e.seriesKey());
        b.add(e);
        return b;
    }

    @Override
    protected void add(SeriesBuilder b, SeriesEvent e) {
        b.add(e);
    }

    @Override
    protected SeriesPartial finish(SeriesBuilder b) {
        return new SeriesPartial(b.seriesKey, b.build());
    }
}
