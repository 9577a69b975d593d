package dev.pilotlight.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.RelativeClock;
import org.junit.jupiter.api.Test;

/** Event time follows the records while they come, and the clock when nothing does. */
class WallClockWhenIdleTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput out = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark w) {
            emitted.add(w.getTimestamp());
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }
    };

    private final AtomicLong active = new AtomicLong(0);
    private final RelativeClock activity = new RelativeClock() {
        @Override
        public long relativeTimeMillis() {
            return active.get();
        }

        @Override
        public long relativeTimeNanos() {
            return active.get() * 1_000_000;
        }
    };

    private WallClockWhenIdle<String> generator() {
        return new WallClockWhenIdle<>(Duration.ofSeconds(5), Duration.ofSeconds(30), activity, clock::get);
    }

    /** Both clocks move: the source is not back-pressured. */
    private void elapse(long ms) {
        clock.addAndGet(ms);
        active.addAndGet(ms);
    }

    @Test
    void boundedOutOfOrdernessWhileRecordsComeThenTheWallClockWhenIdle() {
        WallClockWhenIdle<String> g = generator();
        g.onEvent("a", 900_000, out);
        g.onPeriodicEmit(out);
        assertThat(emitted).containsExactly(900_000L - 5_000 - 1);
        elapse(10_000); // quiet, but not yet idle
        g.onPeriodicEmit(out);
        assertThat(emitted).hasSize(1);
        elapse(25_000); // 35 s without a record: the clock
        g.onPeriodicEmit(out);
        assertThat(emitted).last().isEqualTo(clock.get() - 30_000 - 5_000 - 1);
        long atIdle = emitted.get(emitted.size() - 1);
        g.onEvent("late", 950_000, out); // a record again: never backwards
        g.onPeriodicEmit(out);
        assertThat(emitted).last().isEqualTo(atIdle);
    }

    @Test
    void aSplitWithABacklogIsNeverIdleSoReplayedRecordsComeFirst() {
        WallClockWhenIdle<String> g = generator();
        for (int i = 0; i < 100; i++) {
            elapse(1_000); // a record a second for 100 s, all from an hour ago
            g.onEvent("replayed", clock.get() - 3_600_000, out);
            g.onPeriodicEmit(out);
        }
        assertThat(emitted).allSatisfy(w -> assertThat(w).isLessThan(clock.get() - 3_500_000));
    }

    @Test
    void backPressureIsNotIdleness() {
        WallClockWhenIdle<String> g = generator();
        elapse(1_000);
        g.onEvent("replayed", clock.get() - 3_600_000, out);
        clock.addAndGet(120_000); // two minutes of back-pressure: the activity clock stands still
        g.onPeriodicEmit(out);
        assertThat(emitted).containsExactly(clock.get() - 120_000 - 3_600_000 - 5_000 - 1);
        active.addAndGet(30_000); // then 30 s with nothing to read: idle
        g.onPeriodicEmit(out);
        assertThat(emitted).last().isEqualTo(clock.get() - 30_000 - 5_000 - 1);
    }
}
