package dev.pilotlight.jobs.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A release whose answers grow to three times its usual length is reported; a release that stays the same is not. */
class DetectTokenExplosionTest {
    static final long T0 = TrackSpendTest.T0;
    static final long WINDOW = 5 * 60_000L;

    static void window(KeyedOneInputStreamOperatorTestHarness<String, InvocationEvent, Alert> h, int w, int calls, long tokens) throws Exception {
        for (int i = 0; i < calls; i++) {
            long t = T0 + w * WINDOW + i * 1_000L;
            InvocationEvent e = InvocationEvent.builder().eventId("e" + w + "-" + i).timestamp(t).userId("u").route("claims-letter")
                    .promptVersion("1.1.0").model("sim-model").status(InvocationStatus.OK).outputTokens(tokens).build();
            h.processElement(new StreamRecord<>(e, t));
        }
        h.processWatermark(T0 + (w + 1) * WINDOW);
    }

    @Test
    void answersThreeTimesTheirUsualLengthRaiseOneAlertUntilTheyAreBack() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new DetectTokenExplosion(CostSettings.defaults())),
                DetectTokenExplosion::keyOf, Types.STRING)) {
            h.open();
            for (int w = 0; w < 4; w++) {
                window(h, w, 25, 100 + w); // about 100 tokens per call
            }
            window(h, 4, 25, 250); // 2.5x: not yet
            assertThat(h.extractOutputValues()).isEmpty();
            window(h, 5, 25, 400);
            window(h, 6, 25, 420); // still exploded: no second alert
            window(h, 7, 25, 100);
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            Alert a = h.extractOutputValues().get(0);
            assertThat(a.labels()).containsEntry("route", "claims-letter").containsEntry("promptVersion", "1.1.0");
            assertThat(a.value()).isEqualTo(400);
            assertThat(a.summary()).contains("400 output tokens per call over 25 calls");
            h.processWatermark(T0 + 8 * WINDOW + 25 * 3_600_000L);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
