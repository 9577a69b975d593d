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

/**
 * Event time follows the records while they come, and the clock once a caught-up split is quiet; a split
 * reading a backlog is not taken for a quiet one, neither under back-pressure nor between fetches.
 */
class WallClockWhenIdleTest {
    /** A record: its event time and when the broker appended it. */
    record Rec(long eventTime, long appendedAt) {}

    private final AtomicLong clock = new AtomicLong(1_000_000_000);
    private final AtomicLong active = new AtomicLong(0);
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
    private final WallClockWhenIdle.ReaderProgress reader = new WallClockWhenIdle.ReaderProgress();
    private final WallClockWhenIdle<Rec> g = split();

    /** Another split of the same reader. */
    private WallClockWhenIdle<Rec> split() {
        return new WallClockWhenIdle<>(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMinutes(2), activity, clock::get,
                Rec::appendedAt, reader);
    }

    /** Both clocks move: the source is not back-pressured. */
    private void elapse(long ms) {
        clock.addAndGet(ms);
        active.addAndGet(ms);
    }

    private void read(long eventTime, long appendedAt) {
        g.onEvent(new Rec(eventTime, appendedAt), eventTime, out);
        g.onPeriodicEmit(out);
    }

    @Test
    void boundedOutOfOrdernessWhileRecordsComeThenTheWallClockOnceQuiet() {
        read(clock.get() - 100, clock.get() - 50); // caught up: read 50 ms after its append
        assertThat(emitted).containsExactly(clock.get() - 100 - 5_000 - 1);
        elapse(9_000); // quiet, but not for the idleness yet
        g.onPeriodicEmit(out);
        assertThat(emitted).hasSize(1);
        elapse(1_000);
        g.onPeriodicEmit(out);
        assertThat(emitted).last().isEqualTo(clock.get() - 5_000 - 1);
        long atQuiet = emitted.get(emitted.size() - 1);
        read(clock.get() - 20_000, clock.get()); // a late record: the watermark never goes back
        assertThat(emitted).last().isEqualTo(atQuiet);
    }

    @Test
    void aBacklogIsReadInEventTimeThroughGapsBetweenFetchesAndBackPressure() {
        long hourAgo = clock.get() - 3_600_000;
        for (int i = 0; i < 100; i++) {
            read(hourAgo + i * 1_000L, hourAgo + i * 1_000L); // appended an hour ago, read now
            elapse(i % 10 == 9 ? 30_000 : 100); // now and then 30 s without a record: other partitions, a slow fetch
            g.onPeriodicEmit(out);
        }
        clock.addAndGet(600_000); // ten minutes of back-pressure: the activity clock stands still
        g.onPeriodicEmit(out);
        assertThat(emitted).allSatisfy(w -> assertThat(w).isLessThan(hourAgo + 100_000));
        elapse(120_000); // two minutes without a record, even after a backlog: quiet
        g.onPeriodicEmit(out);
        assertThat(emitted).last().isEqualTo(clock.get() - 5_000 - 1);
    }

    @Test
    void anEmptySplitOfACaughtUpReaderFollowsTheClockAfterTheIdleness() {
        WallClockWhenIdle<Rec> empty = split();
        read(clock.get(), clock.get()); // the reader's other split is caught up
        elapse(9_999);
        empty.onPeriodicEmit(out);
        assertThat(emitted).hasSize(1);
        elapse(1);
        empty.onPeriodicEmit(out);
        assertThat(emitted).last().isEqualTo(clock.get() - 5_000 - 1);
    }

    @Test
    void anEmptySplitWaitsTheBacklogIdlenessWhileItsReaderHasReadNothingOrABacklog() {
        WallClockWhenIdle<Rec> empty = split();
        elapse(60_000); // a first fetch that takes a minute: nothing read yet
        empty.onPeriodicEmit(out);
        assertThat(emitted).isEmpty();
        read(clock.get() - 3_600_000, clock.get() - 3_600_000); // then a backlog
        elapse(59_999);
        empty.onPeriodicEmit(out);
        assertThat(emitted).hasSize(1); // only the backlog split's
        elapse(1);
        empty.onPeriodicEmit(out);
        assertThat(emitted).last().isEqualTo(clock.get() - 5_000 - 1);
    }
}
