package dev.pilotlight.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.jobs.alerting.GuardBroadcast;
import dev.pilotlight.jobs.ingest.Envelope;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

class CompareWithReferenceTest {
    private static final long MIN = 60_000;
    private static final DriftSettings SETTINGS = new DriftSettings(Duration.ofMinutes(1), 3, 100, 50, 0.05, 1000, 0.1, 0.1, 32, 2,
            Duration.ofHours(1), 0.5, 7);

    @Test
    void aStableReleaseIsScoredAgainstItsTrailingWindowsAndNothingDrifts() throws Exception {
        try (var h = harness(null)) {
            Random r = new Random(1);
            for (int w = 0; w < 4; w++) {
                h.processElement(new StreamRecord<>(window("1.0.0", w, r, 1.0), w * MIN));
            }
            List<DriftScore> scores = scores(h);
            assertThat(scores).isNotEmpty().allMatch(s -> s.reference().equals(DriftReference.TRAILING));
            assertThat(scores).filteredOn(s -> s.feature().equals("output_tokens")).extracting(DriftScore::windowStart)
                    .containsExactly(MIN, 2 * MIN, 3 * MIN); // the first window has nothing to be compared with
            assertThat(scores).filteredOn(s -> Boolean.TRUE.equals(s.drifted()) && s.psi() >= 0.2).isEmpty();
            assertThat(scores).filteredOn(s -> s.feature().equals("output_tokens") && s.windowStart() == 3 * MIN)
                    .singleElement().satisfies(s -> assertThat(s.referenceCount()).isEqualTo(600)); // 3 trailing windows × 200
        }
    }

    @Test
    void longerAnswersInANewReleaseDriftAgainstThePreviousOneAndTheChangeIsNamed() throws Exception {
        try (var h = harness(null)) {
            Random r = new Random(2);
            h.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(release("1.0.0", null, 1, 0))));
            h.processElement(new StreamRecord<>(window("1.0.0", 0, r, 1.0), 0));
            h.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(release("1.1.0", "1.0.0", 2, MIN + 10_000))));
            h.processElement(new StreamRecord<>(window("1.1.0", 1, r, 4.0), MIN));
            DriftScore s = scores(h).stream().filter(x -> x.feature().equals("output_tokens")).findFirst().orElseThrow();
            assertThat(s.reference()).isEqualTo(DriftReference.PREVIOUS_RELEASE);
            assertThat(s.referenceLabel()).startsWith("1.0.0");
            assertThat(s.drifted()).isTrue();
            assertThat(s.method()).isEqualTo("chi_square");
            assertThat(s.psi()).isGreaterThan(0.2);
            assertThat(s.releaseChanges()).containsExactly("claims 1.1.0 to production (was 1.0.0), 50 s before the window ended",
                    "claims 1.0.0 to production, 2 min before the window ended"); // newest first, within release_lookback
            assertThat(h.getSideOutput(CompareWithReference.SNAPSHOTS)).hasSize(2);
        }
    }

    @Test
    void stateIsBoundedByVersionsAndForgottenWhenTheRouteFallsSilentEvenAcrossARestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            Random r = new Random(3);
            h.processElement(new StreamRecord<>(window("1.0.0", 0, r, 1.0), 0));
            h.processElement(new StreamRecord<>(window("1.1.0", 1, r, 1.0), MIN));
            h.processElement(new StreamRecord<>(window("1.2.0", 2, r, 1.0), 2 * MIN));
            assertThat(entries(h)).isEqualTo(2); // the releases' windows and the forget time
            assertThat(h.numEventTimeTimers()).isEqualTo(1);
            snapshot = h.snapshot(1, 2 * MIN);
            h.processElement(new StreamRecord<>(window("1.0.0", 3, r, 1.0), 3 * MIN));
            assertThat(scores(h)).filteredOn(s -> s.windowStart() == 3 * MIN)
                    .as("1.0.0 was the release seen least recently beyond max_versions_per_route (2): forgotten").isEmpty();
        }
        try (var h = harness(snapshot)) {
            h.processWatermark(3 * MIN + 2 * 3 * MIN);
            h.processBroadcastWatermark(3 * MIN + 2 * 3 * MIN);
            assertThat(entries(h)).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aForgottenReleaseTakesItsCusumsAlong() throws Exception {
        try (var h = harness(null)) {
            for (int i = 0; i < 2; i++) { // two windows of 1.0.0 with ratings: a CUSUM against its trailing window
                h.processElement(new StreamRecord<>(rated("1.0.0", i, 0.8), i * MIN));
            }
            assertThat(cusumKeys(h)).containsExactly("1.0.0|acceptance|trailing");
            h.processElement(new StreamRecord<>(rated("1.1.0", 2, 0.8), 2 * MIN));
            h.processElement(new StreamRecord<>(rated("1.2.0", 3, 0.8), 3 * MIN)); // a third release: 1.0.0 goes (max 2)
            assertThat(cusumKeys(h)).noneMatch(k -> k.startsWith("1.0.0|"));
        }
    }

    /** {@code n} ratings of which {@code accepted} are accepted. */
    private static ReleaseWindow rated(String version, int index, double accepted) {
        DriftHistograms h = new DriftHistograms();
        for (int i = 0; i < 100; i++) {
            dev.pilotlight.common.event.FeedbackEvent f = new dev.pilotlight.common.event.FeedbackEvent(1, "f" + i, index * MIN, "e" + i, "u",
                    null, i < accepted * 100 ? dev.pilotlight.common.event.FeedbackEvent.Acceptance.ACCEPTED
                    : dev.pilotlight.common.event.FeedbackEvent.Acceptance.REJECTED, null, null, null, "claims", version, null, "m");
            h.add(Envelope.of(f, index * MIN), 32);
        }
        return new ReleaseWindow("claims", version, index * MIN, (index + 1) * MIN, h);
    }

    private static List<String> cusumKeys(KeyedBroadcastOperatorTestHarness<String, ReleaseWindow, GuardBroadcast, DriftScore> h)
            throws Exception {
        h.getOperator().setCurrentKey("claims");
        org.apache.flink.api.common.state.MapState<String, Double> cusums = h.getOperator().getKeyedStateBackend().getPartitionedState(
                org.apache.flink.runtime.state.VoidNamespace.INSTANCE, org.apache.flink.runtime.state.VoidNamespaceSerializer.INSTANCE,
                new org.apache.flink.api.common.state.MapStateDescriptor<>("drift-cusums", Types.STRING, Types.DOUBLE));
        List<String> keys = new java.util.ArrayList<>();
        cusums.keys().forEach(keys::add);
        return keys;
    }

    @Test
    void tooFewSamplesGiveInsufficientDataNotAScore() throws Exception {
        try (var h = harness(null)) {
            Random r = new Random(4);
            h.processElement(new StreamRecord<>(window("1.0.0", 0, r, 1.0, 40), 0));
            h.processElement(new StreamRecord<>(window("1.0.0", 1, r, 1.0, 40), MIN));
            assertThat(scores(h)).isNotEmpty().allSatisfy(s -> {
                assertThat(s.status()).isEqualTo(DriftScore.INSUFFICIENT_DATA);
                assertThat(s.psi()).isNull();
                assertThat(s.drifted()).isNull();
            });
        }
    }

    private static ReleaseWindow window(String version, int index, Random r, double lengthFactor) {
        return window(version, index, r, lengthFactor, 200);
    }

    /** {@code n} answered calls with log-normal answer lengths scaled by {@code lengthFactor}. */
    static ReleaseWindow window(String version, int index, Random r, double lengthFactor, int n) {
        DriftHistograms h = new DriftHistograms();
        for (int i = 0; i < n; i++) {
            long out = Math.round(Math.exp(5 + 0.5 * r.nextGaussian()) * lengthFactor);
            InvocationEvent e = InvocationEvent.builder().eventId("e" + i).route("claims").promptVersion(version).timestamp(index * MIN)
                    .inputTokens(200 + r.nextInt(50)).outputTokens(out).outputChars(out * 4).inputChars(800)
                    .queryClass(r.nextBoolean() ? "simple" : "complex").finishReason("stop").build();
            h.add(Envelope.of(e, index * MIN), 32);
        }
        return new ReleaseWindow("claims", version, index * MIN, (index + 1) * MIN, h);
    }

    /** Keyed state entries of the heap backend (this harness has no numKeyedStateEntries). */
    private static int entries(KeyedBroadcastOperatorTestHarness<String, ReleaseWindow, GuardBroadcast, DriftScore> h) {
        return ((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    private static ReleaseState release(String production, String previous, long revision, long at) {
        return new ReleaseState(1, "claims", "claims", production, previous, null, 0, revision, at, "test", "test");
    }

    private static List<DriftScore> scores(KeyedBroadcastOperatorTestHarness<String, ReleaseWindow, GuardBroadcast, DriftScore> h) {
        return h.extractOutputValues().stream().collect(Collectors.toList());
    }

    private static KeyedBroadcastOperatorTestHarness<String, ReleaseWindow, GuardBroadcast, DriftScore> harness(OperatorSubtaskState restore)
            throws Exception {
        var h = new KeyedBroadcastOperatorTestHarness<>(
                new CoBroadcastWithKeyedOperator<>(new CompareWithReference(SETTINGS), List.of(CompareWithReference.HISTORY, CompareWithReference.BASELINES)),
                ReleaseWindow::route, Types.STRING, 1, 1, 0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }
}
