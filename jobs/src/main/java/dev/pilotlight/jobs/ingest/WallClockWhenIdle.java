package dev.pilotlight.jobs.ingest;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded out-of-orderness per source split, and wall-clock time while the split has nothing to
 * read: after {@code idleness} without a record the watermark follows the clock (minus the idleness
 * and the bound). Event time then keeps moving when every gateway is silent, so an absence rule can
 * see the silence, and a quiet partition does not hold everyone back.
 *
 * <p>Idleness is measured on Flink's input-activity clock, which stands still while the source is
 * back-pressured, so a split working through a backlog (after a restart or lag) is not taken for an
 * idle one and its replayed records are not made late. Sound because ingest bounds event times to
 * the broker's append time (TimeBounds): records that arrive later carry times near the clock.
 * docs/operations.md#event-time says what this guarantees.
 */
public final class WallClockWhenIdle<T> implements WatermarkGenerator<T> {
    private final long boundMs;
    private final long idlenessMs;
    private final RelativeClock activity;
    private final LongSupplier wallClock;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastRecordAt;
    private long emitted = Long.MIN_VALUE;

    /**
     * @param activity  measures idleness: Flink's input-activity clock (paused under back-pressure)
     * @param wallClock gives the watermark's value when idle
     */
    public WallClockWhenIdle(Duration outOfOrderness, Duration idleness, RelativeClock activity, LongSupplier wallClock) {
        this.boundMs = outOfOrderness.toMillis();
        this.idlenessMs = idleness.toMillis();
        this.activity = activity;
        this.wallClock = wallClock;
        this.lastRecordAt = activity.relativeTimeMillis();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        lastRecordAt = activity.relativeTimeMillis();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long candidate = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - boundMs - 1;
        if (activity.relativeTimeMillis() - lastRecordAt >= idlenessMs) {
            candidate = Math.max(candidate, wallClock.getAsLong() - idlenessMs - boundMs - 1);
        }
        if (candidate > emitted) {
            emitted = candidate;
            output.emitWatermark(new Watermark(candidate));
        }
    }
}
