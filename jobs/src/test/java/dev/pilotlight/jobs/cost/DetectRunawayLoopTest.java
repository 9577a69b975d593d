package dev.pilotlight.jobs.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A client repeating one request, or jumping to ten times its usual rate, is throttled on the call that shows it; nobody else is. */
class DetectRunawayLoopTest {
    static final long T0 = TrackSpendTest.T0;

    static KeyedOneInputStreamOperatorTestHarness<String, InvocationEvent, Alert> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(
                new DetectRunawayLoop(CostSettings.defaults(), new CostCommands(Duration.ofDays(100_000)))), InvocationEvent::userId, Types.STRING);
        h.open();
        h.setProcessingTime(System.currentTimeMillis()); // DetectRunawayLoop's "now": the events are fresh against it
        return h;
    }

    static void call(KeyedOneInputStreamOperatorTestHarness<String, InvocationEvent, Alert> h, String user, String hash, long t) throws Exception {
        h.processElement(new StreamRecord<>(InvocationEvent.builder().eventId(user + t).timestamp(t).userId(user).tenant("acme")
                .route("claims-letter").promptVersion("1.0.0").requestHash(hash).build(), t));
    }

    static List<ControlCommand> commands(KeyedOneInputStreamOperatorTestHarness<String, InvocationEvent, Alert> h) {
        var q = h.getSideOutput(DetectRunawayLoop.COMMANDS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void theTwentiethSameRequestWithinAMinuteThrottlesTheUserOnce() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i < 19; i++) {
                call(h, "looper", "abc", T0 + i * 100L);
                call(h, "steady", "q" + i, T0 + i * 100L); // different requests at the same pace: no loop
            }
            assertThat(commands(h)).isEmpty();
            call(h, "looper", "abc", T0 + 1_900);
            call(h, "looper", "abc", T0 + 2_000); // already throttled: nothing more
            ControlCommand c = commands(h).get(0);
            assertThat(commands(h)).hasSize(1);
            assertThat(c.type()).isEqualTo(CommandType.THROTTLE_USER);
            assertThat(c.target()).isEqualTo("looper");
            assertThat(c.params()).containsEntry("perMinute", "6").containsEntry("until", String.valueOf(T0 + 1_900 + 15 * 60_000));
            assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
                assertThat(a.ruleId()).isEqualTo(CostCommands.LOOP_RULE);
                assertThat(a.summary()).contains("the same request 20 times in 1 s");
                assertThat(a.commandId()).isEqualTo(c.commandId());
            });
        }
    }

    @Test
    void aMinuteAtTenTimesTheUsualRateIsALoopButANewUserIsNotJudgedWithoutHistory() throws Exception {
        try (var h = harness()) {
            long t = T0 - Math.floorMod(T0, 60_000);
            for (int m = 0; m < 6; m++) { // six minutes of 4 calls each
                for (int i = 0; i < 4; i++) {
                    call(h, "bursty", "m" + m + "i" + i, t + m * 60_000L + i * 1_000L);
                }
            }
            for (int i = 0; i < 40; i++) { // 40 distinct calls in minute seven: ~10x of ~3.5/min and above 30
                call(h, "bursty", "burst" + i, t + 6 * 60_000L + i * 100L);
                call(h, "newcomer", "burst" + i, t + 6 * 60_000L + i * 100L);
            }
            assertThat(commands(h)).extracting(ControlCommand::target).containsExactly("bursty");
            assertThat(h.extractOutputValues().get(0).summary()).contains("calls this minute against a usual");
        }
    }

    @Test
    void theThrottleEndResolvesTheAlertAndAQuietUserLeavesNothing() throws Exception {
        try (var h = harness()) {
            for (int i = 0; i < 20; i++) {
                call(h, "looper", "abc", T0 + i * 100L);
            }
            h.processWatermark(T0 + 2 * 3_600_000L);
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
