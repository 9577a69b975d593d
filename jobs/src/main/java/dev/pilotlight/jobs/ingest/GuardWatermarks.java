package dev.pilotlight.jobs.ingest;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time of the guard's two sources. Events: each record's own time, watermarks per split by
 * {@link WallClockWhenIdle}, whose generators share one {@link WallClockWhenIdle.ReaderProgress} per
 * source reader (this strategy is deserialised once per subtask, and its generators run on the task's
 * thread). Control topics: release states and rule sets are applied on arrival and decide nothing by
 * their time, so that source never holds event time back.
 */
public final class GuardWatermarks implements WatermarkStrategy<Envelope> {
    private static final long serialVersionUID = 1L;
    private final Duration outOfOrderness;
    private final Duration idleness;
    private final Duration backlogIdleness;
    private transient WallClockWhenIdle.ReaderProgress reader;

    private GuardWatermarks(Duration outOfOrderness, Duration idleness, Duration backlogIdleness) {
        this.outOfOrderness = outOfOrderness;
        this.idleness = idleness;
        this.backlogIdleness = backlogIdleness;
    }

    public static WatermarkStrategy<Envelope> events(Duration outOfOrderness, Duration idleness, Duration backlogIdleness) {
        return new GuardWatermarks(outOfOrderness, idleness, backlogIdleness);
    }

    /** The control source's: at the end of time from the start, so the minimum with the events' is theirs. */
    public static WatermarkStrategy<Envelope> control() {
        return WatermarkStrategy.<Envelope>forGenerator(ctx -> new NeverHoldsBack())
                .withTimestampAssigner((e, kafkaTs) -> e.eventTime());
    }

    @Override
    public WatermarkGenerator<Envelope> createWatermarkGenerator(WatermarkGeneratorSupplier.Context ctx) {
        if (reader == null) {
            reader = new WallClockWhenIdle.ReaderProgress();
        }
        return new WallClockWhenIdle<>(outOfOrderness, idleness, backlogIdleness, ctx.getInputActivityClock(),
                System::currentTimeMillis, Envelope::kafkaTimestamp, reader);
    }

    @Override
    public TimestampAssigner<Envelope> createTimestampAssigner(TimestampAssignerSupplier.Context ctx) {
        return (e, kafkaTs) -> e.eventTime();
    }

    private static final class NeverHoldsBack implements WatermarkGenerator<Envelope> {
        private boolean emitted;

        @Override
        public void onEvent(Envelope event, long eventTimestamp, WatermarkOutput output) {
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (!emitted) {
                emitted = true;
                output.emitWatermark(new Watermark(Long.MAX_VALUE));
            }
        }
    }
}
