package dev.pilotlight.jobs.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.jobs.ingest.Envelope;
import dev.pilotlight.jobs.usage.UsageSettings;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * A rater who rates answers they never received, or floods one-sided ratings, is excluded once their window is judged:
 * what they rated in it is taken back, later ratings are dead letters, a security alert says why; ratings that arrive
 * before the calls they rate (another topic) are not held against anyone; an honest heavy rater passes; nothing is left
 * once the exclusion is over.
 */
class ScreenRatersTest {
    static final long T0 = 1_800_000_000_000L / 3_600_000 * 3_600_000; // an hour boundary
    static final long W = 600_000;
    static final UsageSettings S = UsageSettings.defaults();

    static KeyedOneInputStreamOperatorTestHarness<String, RaterInput, Envelope> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new ScreenRaters(S), RaterInput::user, Types.STRING);
    }

    static void call(KeyedOneInputStreamOperatorTestHarness<String, RaterInput, Envelope> h, String user, long t) throws Exception {
        InvocationEvent e = InvocationEvent.builder().eventId("c" + t).timestamp(t).userId(user).route("r").promptVersion("1.0.0")
                .status(InvocationStatus.OK).build();
        h.processElement(new StreamRecord<>(RaterInput.of(Envelope.of(e, t)), t));
    }

    static void rate(KeyedOneInputStreamOperatorTestHarness<String, RaterInput, Envelope> h, String user, String invocation, boolean up, long t)
            throws Exception {
        FeedbackEvent f = new FeedbackEvent(1, "f-" + invocation + t, t, invocation, user, "acme", up ? FeedbackEvent.Rating.UP
                : FeedbackEvent.Rating.DOWN, null, null, null, null, null, "r", "1.0.0", null, null);
        h.processElement(new StreamRecord<>(RaterInput.of(Envelope.of(f, t)), t));
    }

    static List<FeedbackEvent> ratingsOut(KeyedOneInputStreamOperatorTestHarness<String, RaterInput, Envelope> h) {
        return h.extractOutputValues().stream().filter(e -> e.feedback() != null).map(Envelope::feedback).toList();
    }

    static List<Alert> alerts(KeyedOneInputStreamOperatorTestHarness<String, RaterInput, Envelope> h) {
        var q = h.getSideOutput(ScreenRaters.ALERTS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    static List<DeadLetter> excluded(KeyedOneInputStreamOperatorTestHarness<String, RaterInput, Envelope> h) {
        var q = h.getSideOutput(ScreenRaters.EXCLUDED);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void ratingAnswersNeverReceivedExcludesTheRaterAndTakesBackWhatPassed() throws Exception {
        try (var h = harness()) {
            call(h, "mallory", T0);
            for (int i = 0; i < 7; i++) { // 1 call + slack 5 allows 6
                rate(h, "mallory", "inv-" + i, true, T0 + 1_000 + i);
            }
            assertThat(alerts(h)).isEmpty(); // judged when the window is over
            h.processWatermark(T0 + W);
            List<FeedbackEvent> out = ratingsOut(h);
            assertThat(out.stream().filter(f -> !f.retraction())).hasSize(7);
            assertThat(out.stream().filter(FeedbackEvent::retraction)).hasSize(7); // every rating of the window taken back
            assertThat(alerts(h)).singleElement().satisfies(a -> {
                assertThat(a.ruleId()).isEqualTo("feedback-poisoning");
                assertThat(a.tier()).isEqualTo(2);
                assertThat(a.labels()).containsEntry("team", "security").containsEntry("userId", "mallory");
                assertThat(a.summary()).contains("7 ratings against 1 calls");
            });
            h.getOutput().clear();
            rate(h, "mallory", "inv-x", true, T0 + 60_000);
            assertThat(ratingsOut(h)).isEmpty();
            assertThat(excluded(h)).singleElement().satisfies(d -> assertThat(d.reason()).startsWith("feedback: rater mallory excluded until"));
        }
    }

    @Test
    void aOneSidedBurstIsExcludedAndAnHonestHeavyRaterIsNot() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i < 40; i++) {
                rate(h, "honest", "h-" + i, i % 3 != 0, T0 + i * 1_000L + 500); // each rating read before the call it rates
                call(h, "honest", T0 + i * 1_000L);
                call(h, "troll", T0 + i * 1_000L);
                rate(h, "troll", "t-" + i, false, T0 + i * 1_000L + 500);
            }
            h.processWatermark(T0 + W);
            assertThat(alerts(h)).singleElement().satisfies(a -> {
                assertThat(a.labels()).containsEntry("userId", "troll");
                assertThat(a.summary()).contains("one-sided burst: 40 of 40 ratings negative");
            });
            assertThat(ratingsOut(h).stream().filter(f -> f.userId().equals("honest"))).hasSize(40).noneMatch(FeedbackEvent::retraction);
            assertThat(ratingsOut(h).stream().filter(f -> f.userId().equals("troll") && f.retraction())).hasSize(40);
        }
    }

    @Test
    void aFloodBeyondAnyHumanIsExcludedAtOnce() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i <= S.raterMaxPerWindow(); i++) {
                rate(h, "bot", "b-" + i, i % 2 == 0, T0 + i);
            }
            assertThat(alerts(h)).singleElement().satisfies(a -> assertThat(a.summary()).contains("1001 ratings in one window"));
        }
    }

    @Test
    void aReRatingIsTakenBackOnceAndNothingIsLeftAfterTheExclusion() throws Exception {
        try (var h = harness()) {
            call(h, "mallory", T0);
            rate(h, "mallory", "inv-0", true, T0 + 1);
            FeedbackEvent first = ratingsOut(h).get(0);
            h.processElement(new StreamRecord<>(RaterInput.of(Envelope.of(first.retracted(), T0 + 2)), T0 + 2)); // KeepLastRating's retraction
            for (int i = 1; i < 8; i++) {
                rate(h, "mallory", "inv-" + i, true, T0 + 10 + i);
            }
            h.processWatermark(T0 + W);
            assertThat(ratingsOut(h).stream().filter(f -> f.retraction() && f.invocationId().equals("inv-0"))).hasSize(1); // not twice
            h.processWatermark(T0 + S.raterExcludeFor().toMillis() + 3 * W);
            assertThat(alerts(h)).hasSize(2).last().satisfies(a -> assertThat(a.state()).isEqualTo(Alert.State.RESOLVED));
            assertThat(((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                    .numKeyValueStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
