package dev.pilotlight.notify.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The committed offset never passes an alert that some receiver has not taken yet. */
class PendingOffsetsTest {
    private static final TopicPartition P0 = new TopicPartition("guard.alerts", 0);
    private static final TopicPartition P1 = new TopicPartition("guard.alerts", 1);

    @Test
    void theOffsetStopsAtTheOldestUndeliveredAlert() {
        PendingOffsets p = new PendingOffsets();
        p.track(P0, 10, 2); // two receivers
        p.track(P0, 11, 1);
        p.track(P0, 12, 1);
        assertThat(p.committable()).containsEntry(P0, new OffsetAndMetadata(10));
        p.done(P0, 11);
        p.done(P0, 12);
        assertThat(p.committable()).containsEntry(P0, new OffsetAndMetadata(10)); // 10 still waits
        p.done(P0, 10);
        assertThat(p.committable()).containsEntry(P0, new OffsetAndMetadata(10)); // one of its two receivers only
        p.done(P0, 10);
        assertThat(p.committable()).containsEntry(P0, new OffsetAndMetadata(13));
        assertThat(p.undelivered()).isZero();
    }

    @Test
    void recordsNoReceiverWantsMoveTheOffsetOnAtOnce() {
        PendingOffsets p = new PendingOffsets();
        p.track(P0, 0, 0);
        p.track(P0, 1, 0);
        assertThat(p.committable()).containsEntry(P0, new OffsetAndMetadata(2));
        assertThat(p.undelivered()).isZero();
    }

    @Test
    void partitionsAreIndependentAndAnUnknownDoneChangesNothing() {
        PendingOffsets p = new PendingOffsets();
        p.track(P0, 5, 1);
        p.track(P1, 7, 0);
        p.done(P1, 99);
        p.done(P0, 4);
        assertThat(p.committable()).containsEntry(P0, new OffsetAndMetadata(5)).containsEntry(P1, new OffsetAndMetadata(8));
        assertThat(p.undelivered()).isEqualTo(1);
    }
}
