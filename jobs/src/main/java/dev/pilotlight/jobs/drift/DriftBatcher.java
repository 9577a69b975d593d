package dev.pilotlight.jobs.drift;

import dev.pilotlight.jobs.batch.MiniBatchOperator;
import dev.pilotlight.jobs.ingest.Envelope;
import java.time.Duration;

/**
 * Merges a release's events of one drift window for a short interval ({@code --mini-batch}) before
 * the window operator, which then reads and writes its RocksDB state once per partial instead of once
 * per event (a window's histograms are a few hundred bytes to deserialize and serialize again). An
 * event whose window has closed is passed on alone, for the window to drop and count as late.
 */
public final class DriftBatcher extends MiniBatchOperator<Envelope, DriftPartial, DriftPartial> {
    private static final long serialVersionUID = 1L;

    private final long windowMs;
    private final int maxCategories;

    public DriftBatcher(Duration window, int maxCategories, Duration interval) {
        super(interval.toMillis(), 50_000);
        this.windowMs = window.toMillis();
        this.maxCategories = maxCategories;
    }

    private record BatchKey(String release, long windowStart) {}

    @Override
    protected Object keyOf(Envelope e) {
        long start = Math.floorDiv(e.eventTime(), windowMs) * windowMs;
        boolean closed = currentWatermark() != Long.MIN_VALUE && start + windowMs - 1 <= currentWatermark();
        return closed ? null : new BatchKey(CountDriftFeatures.keyOf(e), start);
    }

    @Override
    protected DriftPartial start(Envelope e) {
        DriftPartial p = new DriftPartial(CountDriftFeatures.keyOf(e), new DriftHistograms());
        p.counts().add(e, maxCategories);
        return p;
    }

    @Override
    protected void add(DriftPartial p, Envelope e) {
        p.counts().add(e, maxCategories);
    }

    @Override
    protected DriftPartial finish(DriftPartial p) {
        return p;
    }
}
