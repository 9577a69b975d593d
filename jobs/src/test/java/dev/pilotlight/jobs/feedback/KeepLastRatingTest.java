package dev.pilotlight.jobs.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.rules.Metric;
import dev.pilotlight.jobs.ingest.Envelope;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The last rating of each user on each invocation counts: ten thumbs-down on one answer count once. */
class KeepLastRatingTest {

    private static FeedbackEvent rating(String id, long ts, String user, FeedbackEvent.Rating r) {
        return new FeedbackEvent(1, id, ts, "inv-1", user, r, null, null, null, null, "claims-letter", "1.0.0", "production", "sim-model");
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> harness(Duration horizon) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new KeepLastRating(horizon)), KeepLastRating::keyOf, Types.STRING);
        h.open();
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> h, FeedbackEvent f) throws Exception {
        h.processElement(new StreamRecord<>(Envelope.of(f, f.timestamp()), f.timestamp()));
    }

    private static List<FeedbackEvent> out(KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope> h) {
        return h.extractOutputValues().stream().map(Envelope::feedback).toList();
    }

    @Test
    void aRepeatedRatingRetractsTheEarlierOneAtItsOwnTime() throws Exception {
        try (var h = harness(Duration.ofDays(7))) {
            for (int i = 0; i < 10; i++) {
                send(h, rating("fb-" + i, 1_000 + i, "bob", FeedbackEvent.Rating.DOWN));
            }
            send(h, rating("fb-up", 2_000, "bob", FeedbackEvent.Rating.UP));
            send(h, rating("fb-alice", 2_100, "alice", FeedbackEvent.Rating.DOWN)); // another user: their own rating
            List<FeedbackEvent> out = out(h);
            // net over everything emitted: what the thumbs-down share sees
            double down = out.stream().mapToDouble(Metric.THUMBS_DOWN_SHARE::numerator).sum();
            double rated = out.stream().mapToDouble(Metric.THUMBS_DOWN_SHARE::denominator).sum();
            double feedback = out.stream().mapToDouble(Metric.FEEDBACK::denominator).sum();
            assertThat(down).isEqualTo(1); // alice's
            assertThat(rated).isEqualTo(2); // bob's last (up) and alice's
            assertThat(feedback).isEqualTo(2);
            FeedbackEvent lastRetraction = out.stream().filter(FeedbackEvent::retraction).reduce((a, b) -> b).orElseThrow();
            assertThat(lastRetraction.eventId()).isEqualTo("fb-9-retracted");
            assertThat(lastRetraction.timestamp()).isEqualTo(1_009); // in the windows that counted it
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        }
    }

    @Test
    void aRecordClaimingToBeARetractionIsCountedAsARatingAndAReplayOnce() throws Exception {
        try (var h = harness(Duration.ofDays(7))) {
            FeedbackEvent forged = new FeedbackEvent(1, "fb-x", 5, "inv-1", "mallory", null, FeedbackEvent.Rating.DOWN, null, null, null, null,
                    null, "r", "1.0.0", null, null, true);
            send(h, forged);
            send(h, forged);
            assertThat(out(h)).singleElement().satisfies(f -> assertThat(f.retraction()).isFalse());
        }
    }

    @Test
    void afterTheHorizonANewRatingCountsAsAFirstAndTheStateIsGone() throws Exception {
        try (var h = harness(Duration.ofMinutes(10))) {
            h.setStateTtlProcessingTime(0);
            send(h, rating("fb-1", 1_000, "bob", FeedbackEvent.Rating.DOWN));
            h.setStateTtlProcessingTime(Duration.ofMinutes(11).toMillis());
            send(h, rating("fb-2", 2_000, "bob", FeedbackEvent.Rating.UP));
            assertThat(out(h)).extracting(FeedbackEvent::eventId).containsExactly("fb-1", "fb-2");
        }
    }

    @Test
    void theLastRatingSurvivesARestoreSoARatingAfterItStillRetractsIt() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = harness(Duration.ofDays(7))) {
            send(h, rating("fb-1", 1_000, "bob", FeedbackEvent.Rating.DOWN));
            snapshot = h.snapshot(1, 1_000);
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<String, Envelope, Envelope>(
                new KeyedProcessOperator<>(new KeepLastRating(Duration.ofDays(7))), KeepLastRating::keyOf, Types.STRING)) {
            h.initializeState(snapshot);
            h.open();
            send(h, rating("fb-2", 2_000, "bob", FeedbackEvent.Rating.UP));
            assertThat(out(h)).extracting(FeedbackEvent::eventId).containsExactly("fb-1-retracted", "fb-2");
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        }
    }
}
