package dev.pilotlight.jobs.ingest;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;

/**
 * Bounded out-of-orderness per source split, and wall-clock time once the split is quiet: the
 * watermark then follows the clock minus the bound (events are stamped when they are sent, so a record
 * read later carries a time within the bound of the clock). Event time keeps moving when every gateway
 * is silent, so absence rules see the silence, and a quiet partition does not hold everyone back.
 *
 * <p>Quiet means nothing more to read, which a generator cannot ask Kafka; it is judged from the last
 * record instead. If that record was read soon after the broker appended it (within {@code idleness}),
 * the split was caught up, and {@code idleness} without a record means quiet. If it was read long after
 * (a backlog), a gap is the reader serving other partitions or a slow fetch, not silence: only
 * {@code backlogIdleness} without a record counts, so a backlog is read in event time and not made late.
 * A split without any record yet is judged by its reader's latest record (the generators of one
 * reader share {@link ReaderProgress}): an empty partition of a caught-up reader is quiet after
 * {@code idleness}; one of a reader that has read nothing yet, or is reading a backlog, waits
 * {@code backlogIdleness}, so a slow first fetch after a start does not make the backlog late.
 * Gaps are measured on Flink's input-activity clock, which stands still under back-pressure. Jumping
 * to the clock is for good (watermarks never go back), which is safe for a quiet split: what it reads
 * next was appended after the jump. docs/operations.md, "What the guard job guarantees".
 */
public final class WallClockWhenIdle<T> implements WatermarkGenerator<T> {
    /** What the splits of one source reader have read: shared by their generators, which run on the task's thread. */
    public static final class ReaderProgress {
        private boolean seenRecords;
        private long lastLag;
    }

    private final long boundMs;
    private final long idlenessMs;
    private final long backlogIdlenessMs;
    private final RelativeClock activity;
    private final LongSupplier wallClock;
    private final ToLongFunction<T> appendedAt;
    private final ReaderProgress reader;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastRecordAt;
    /** How long after its append the last record was read: large while reading a backlog. */
    private long lastLag;
    private long emitted = Long.MIN_VALUE;

    /**
     * @param activity   measures gaps: Flink's input-activity clock (paused under back-pressure)
     * @param wallClock  the watermark's value when quiet, and the reading time of a record
     * @param appendedAt the broker's append time of a record (0 when unknown)
     * @param reader     shared by the generators of one source reader
     */
    public WallClockWhenIdle(Duration outOfOrderness, Duration idleness, Duration backlogIdleness, RelativeClock activity,
                             LongSupplier wallClock, ToLongFunction<T> appendedAt, ReaderProgress reader) {
        this.boundMs = outOfOrderness.toMillis();
        this.idlenessMs = idleness.toMillis();
        this.backlogIdlenessMs = Math.max(backlogIdleness.toMillis(), idlenessMs);
        this.activity = activity;
        this.wallClock = wallClock;
        this.appendedAt = appendedAt;
        this.reader = reader;
        this.lastRecordAt = activity.relativeTimeMillis();
    }

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
        lastRecordAt = activity.relativeTimeMillis();
        long appended = appendedAt.applyAsLong(event);
        lastLag = appended > 0 ? wallClock.getAsLong() - appended : 0;
        reader.seenRecords = true;
        reader.lastLag = lastLag;
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long candidate = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - boundMs - 1;
        boolean caughtUp = (maxTimestamp != Long.MIN_VALUE && lastLag < idlenessMs) || (reader.seenRecords && reader.lastLag < idlenessMs);
        long quietAfter = caughtUp ? idlenessMs : backlogIdlenessMs;
        if (activity.relativeTimeMillis() - lastRecordAt >= quietAfter) {
            candidate = Math.max(candidate, wallClock.getAsLong() - boundMs - 1);
        }
        if (candidate > emitted) {
            emitted = candidate;
            output.emitWatermark(new Watermark(candidate));
        }
    }
}
