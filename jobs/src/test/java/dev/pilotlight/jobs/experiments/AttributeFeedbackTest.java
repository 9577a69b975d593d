package dev.pilotlight.jobs.experiments;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.jobs.ingest.Envelope;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A rating counts for the arm of the call it rates, and what cannot be attributed is said so, never guessed. */
class AttributeFeedbackTest {
    static final long T0 = JudgeExperimentTest.T0;

    private static KeyedBroadcastOperatorTestHarness<String, Envelope, ReleaseState, ArmObservation> harness() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(new AttributeFeedback(JudgeExperimentTest.SETTINGS),
                AttributeFeedback::keyOf, Types.STRING, AttributeFeedback.ROUTES);
        h.processBroadcastElement(new StreamRecord<>(new ReleaseState(1, "claims", "claims", "1.0.0", null, "1.1.0", 0.5, 3, T0, "admin", null)));
        h.processBroadcastElement(new StreamRecord<>(new ReleaseState(1, "triage", "triage", "1.0.0", null, null, 0, 1, T0, "admin", null)));
        return h;
    }

    private static Envelope call(String id, String variant, long t) {
        return Envelope.of(InvocationEvent.builder().eventId(id).timestamp(t).userId("u1").route("claims").promptId("claims")
                .promptVersion(variant.equals("candidate") ? "1.1.0" : "1.0.0").variant(variant).experimentId("claims:1.0.0-vs-1.1.0")
                .status(InvocationStatus.OK).latencyMs(900).costUsd(0.002).build(), t);
    }

    private static Envelope rating(String invocation, String route, String claimedVariant, long t) {
        return rating(invocation, route, null, claimedVariant, t);
    }

    private static Envelope rating(String invocation, String route, String version, String claimedVariant, long t) {
        return Envelope.of(new FeedbackEvent(1, "f-" + invocation + t, t, invocation, "u1", FeedbackEvent.Rating.UP,
                FeedbackEvent.Acceptance.ACCEPTED, null, null, null, route, version, claimedVariant, null), t);
    }

    private static void send(KeyedBroadcastOperatorTestHarness<String, Envelope, ReleaseState, ArmObservation> h, Envelope e) throws Exception {
        h.processElement(new StreamRecord<>(e, e.kafkaTimestamp()));
    }

    private static List<String> dead(KeyedBroadcastOperatorTestHarness<String, Envelope, ReleaseState, ArmObservation> h) {
        var q = h.getSideOutput(AttributeFeedback.UNATTRIBUTED);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).map(DeadLetter::reason).toList();
    }

    /** Event time moves when both inputs say so (the release input's watermark is the control source's). */
    private static void watermark(KeyedBroadcastOperatorTestHarness<String, Envelope, ReleaseState, ArmObservation> h, long t) throws Exception {
        h.processWatermark(t);
        h.processBroadcastWatermark(t);
    }

    /** What KeyedOneInputStreamOperatorTestHarness.numKeyedStateEntries counts; the broadcast harness lacks it. */
    private static int keyedStateEntries(KeyedBroadcastOperatorTestHarness<String, Envelope, ReleaseState, ArmObservation> h) {
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    @Test
    void aRatingCountsForTheArmOfItsCallAndARepeatedCallOnce() throws Exception {
        try (var h = harness()) {
            send(h, call("i1", "candidate", T0));
            send(h, call("i1", "candidate", T0)); // sent twice by a gateway
            send(h, rating("i1", "claims", null, T0 + 5_000)); // the gateway that took it did not know the call
            List<ArmObservation> out = h.extractOutputValues();
            assertThat(out).hasSize(2);
            assertThat(out.get(1).rating()).isTrue();
            assertThat(out.get(1).variant()).isEqualTo("candidate");
            assertThat(out.get(1).version()).isEqualTo("1.1.0");
            assertThat(out.get(1).accepted()).isTrue();
            assertThat(dead(h)).isEmpty();
        }
    }

    @Test
    void aRatingClaimingAnotherVariantIsDeadLetteredNotCounted() throws Exception {
        try (var h = harness()) {
            send(h, call("i1", "production", T0));
            send(h, rating("i1", "claims", "candidate", T0 + 5_000));
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(dead(h)).singleElement().asString()
                    .isEqualTo("experiments: feedback names variant candidate but invocation i1 was served by production 1.0.0: not attributed");
        }
    }

    @Test
    void aRatingBeforeItsCallWaitsForIt() throws Exception {
        try (var h = harness()) {
            send(h, rating("i2", "claims", null, T0 + 1_000));
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            send(h, call("i2", "production", T0 + 1_200));
            assertThat(h.extractOutputValues()).extracting(ArmObservation::rating).containsExactly(false, true);
            assertThat(h.numEventTimeTimers()).as("the wait is over; only the call's forget timer").isEqualTo(1);
        }
    }

    @Test
    void aRatingOfAnUnknownCallOfTheCandidateIsDeadLetteredAndOthersOnlyCounted() throws Exception {
        try (var h = harness()) {
            send(h, rating("ghost", "claims", "1.1.0", null, T0)); // the route's candidate version
            send(h, rating("ghost2", "claims", null, "candidate", T0));
            send(h, rating("production-call", "claims", "1.0.0", "production", T0)); // maybe outside the experiment
            send(h, rating("elsewhere", "triage", "1.0.0", "production", T0));
            send(h, rating("unknown", null, null, null, T0)); // the gateway that took it did not know the call either
            watermark(h, T0 + 60_000);
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(dead(h)).hasSize(2).first().asString().isEqualTo("experiments: feedback for invocation ghost on route claims names "
                    + "the candidate (1.1.0), but no such experiment call was seen 60 s after the rating: not attributed to any arm");
            assertThat(keyedStateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aCallIsForgottenAfterTheAttributionWindow() throws Exception {
        try (var h = harness()) {
            send(h, call("i3", "candidate", T0));
            watermark(h, T0 + 24 * 3_600_000L);
            assertThat(keyedStateEntries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
