package dev.pilotlight.jobs.release;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.Comparison;
import dev.pilotlight.common.rules.ThresholdRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ErrorRateRollbackTriggerTest {

    static final ThresholdRule RULE = new ThresholdRule("rollback-error-rate", "test.yaml:1", "error_rate",
            List.of("route", "promptId", "promptVersion"), Duration.ofSeconds(60), Comparison.GT, 0.10, 20, 1,
            CommandType.ROLLBACK_PROMPT, Map.of("team", "platform"), "rate {{value}} on {{promptVersion}}", "runbook.md");
    static final long T0 = 1_800_000_000_000L;

    private KeyedBroadcastOperatorTestHarness<String, InvocationEvent, ReleaseState, Alert> harness;
    private long seq;

    @BeforeEach
    void setUp() throws Exception {
        harness = newHarness();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    static KeyedBroadcastOperatorTestHarness<String, InvocationEvent, ReleaseState, Alert> newHarness() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ErrorRateRollbackTrigger(List.of(RULE), Duration.ofMinutes(10), Duration.ofMinutes(5)),
                ErrorRateRollbackTrigger::keyOf, Types.STRING, ErrorRateRollbackTrigger.RELEASES);
        h.setProcessingTime(T0);
        return h;
    }

    private InvocationEvent call(String version, long ts, boolean error) {
        return InvocationEvent.builder().eventId("e" + (seq++)).timestamp(ts).gatewayId("gw").userId("u")
                .route("claims-letter").promptId("claims-letter").promptVersion(version)
                .status(error ? InvocationStatus.ERROR : InvocationStatus.OK).build();
    }

    private static ReleaseState production(String version, String previous, long revision) {
        return new ReleaseState(1, "claims-letter", "claims-letter", version, previous, null, 0, revision, T0, "admin", null);
    }

    /** Sends {@code n} calls 100 ms apart from {@code start}; every k-th is an error (k=0: none). */
    private void send(String version, long start, int n, int everyKthError) throws Exception {
        for (int i = 0; i < n; i++) {
            boolean err = everyKthError > 0 && i % everyKthError == 0;
            InvocationEvent e = call(version, start + i * 100L, err);
            harness.processElement(new StreamRecord<>(e, e.timestamp()));
        }
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }

    private List<ControlCommand> commands() {
        ConcurrentLinkedQueue<StreamRecord<ControlCommand>> q = harness.getSideOutput(ErrorRateRollbackTrigger.COMMANDS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void firesOnceWithRollbackToPreviousProductionWhenRateAndSampleSizeAreReached() throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(production("1.1.0", "1.0.0", 7)));
        send("1.1.0", T0, 19, 3); // 7 errors of 19 calls: 37%, but fewer than 20 calls
        assertThat(alerts()).isEmpty();
        assertThat(commands()).isEmpty();

        send("1.1.0", T0 + 1900, 1, 0); // the 20th call makes the condition true
        assertThat(alerts()).hasSize(1);
        Alert a = alerts().get(0);
        assertThat(a.state()).isEqualTo(Alert.State.FIRING);
        assertThat(a.ruleId()).isEqualTo("rollback-error-rate");
        assertThat(a.tier()).isEqualTo(1);
        assertThat(a.value()).isEqualTo(7.0 / 20);
        assertThat(a.startsAt()).isEqualTo(T0 + 1900);
        assertThat(a.labels()).containsEntry("promptVersion", "1.1.0").containsEntry("route", "claims-letter")
                .containsEntry("team", "platform");
        assertThat(a.summary()).isEqualTo("rate 0.3500 on 1.1.0");

        assertThat(commands()).hasSize(1);
        ControlCommand c = commands().get(0);
        assertThat(c.type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
        assertThat(c.target()).isEqualTo("claims-letter");
        assertThat(c.params()).containsEntry("fromVersion", "1.1.0").containsEntry("toVersion", "1.0.0");
        assertThat(c.alertId()).isEqualTo(a.alertId());
        assertThat(a.commandId()).isEqualTo(c.commandId());
        assertThat(c.expiresAt() - c.issuedAt()).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(c.signature()).isNull(); // signing is SignCommands' job

        send("1.1.0", T0 + 2000, 30, 2); // still failing: the same episode, no repeats
        assertThat(alerts()).hasSize(1);
        assertThat(commands()).hasSize(1);
    }

    @Test
    void atThresholdOrWithOldErrorsOutsideTheWindowItStaysQuiet() throws Exception {
        send("1.1.0", T0, 20, 10); // 2 of 20 = 10%: not above 10%
        assertThat(alerts()).isEmpty();
        // 5 errors long ago, then 20 clean calls 61 s later: the old errors are outside the window
        send("1.2.0", T0, 5, 1);
        send("1.2.0", T0 + 61_000, 20, 0);
        assertThat(alerts()).isEmpty();
        assertThat(commands()).isEmpty();
    }

    @Test
    void resolvesOnceTheWindowHasNoBreachAnymore() throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(production("1.1.0", "1.0.0", 1)));
        send("1.1.0", T0, 20, 2);
        assertThat(alerts()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
        harness.processWatermark(T0 + 120_000);
        harness.processBroadcastWatermark(T0 + 120_000);
        assertThat(alerts()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        Alert resolved = alerts().get(1);
        assertThat(resolved.alertId()).isEqualTo(alerts().get(0).alertId());
        assertThat(resolved.endsAt()).isNotNull().isGreaterThan(resolved.startsAt());
        assertThat(harness.numEventTimeTimers()).isZero(); // nothing left to wake up for
    }

    @Test
    void replayedDecisionHasTheSameIds() throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(production("1.1.0", "1.0.0", 3)));
        send("1.1.0", T0, 20, 2);
        Alert first = alerts().get(0);
        ControlCommand firstCmd = commands().get(0);

        try (var replay = newHarness()) {
            replay.processBroadcastElement(new StreamRecord<>(production("1.1.0", "1.0.0", 3)));
            seq = 0;
            for (int i = 0; i < 20; i++) {
                InvocationEvent e = call("1.1.0", T0 + 50 + i * 90L, i % 2 == 0); // other timing, same decision
                replay.processElement(new StreamRecord<>(e, e.timestamp()));
            }
            Alert again = replay.extractOutputValues().get(0);
            assertThat(again.alertId()).isEqualTo(first.alertId());
            assertThat(replay.getSideOutput(ErrorRateRollbackTrigger.COMMANDS).peek().getValue().commandId())
                    .isEqualTo(firstCmd.commandId());
        }
    }

    @Test
    void aBadCandidateIsRemovedInFavourOfProduction() throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(new ReleaseState(1, "claims-letter", "claims-letter", "1.0.0", null,
                "1.1.0", 0.1, 4, T0, "admin", null)));
        send("1.1.0", T0, 20, 2);
        assertThat(commands()).singleElement().satisfies(c ->
                assertThat(c.params()).containsEntry("fromVersion", "1.1.0").containsEntry("toVersion", "1.0.0"));
    }

    @Test
    void withoutKnownReleaseTheGatewayPicksThePreviousVersion() throws Exception {
        send("1.1.0", T0, 20, 2);
        assertThat(commands()).singleElement().satisfies(c ->
                assertThat(c.params()).containsEntry("fromVersion", "1.1.0").doesNotContainKey("toVersion"));
    }

    @Test
    void oldEventsAlertButIssueNoCommand() throws Exception {
        harness.setProcessingTime(T0 + Duration.ofHours(2).toMillis());
        harness.processBroadcastElement(new StreamRecord<>(production("1.1.0", "1.0.0", 1)));
        send("1.1.0", T0, 20, 2);
        assertThat(alerts()).singleElement().satisfies(a -> assertThat(a.commandId()).isNull());
        assertThat(commands()).isEmpty();
    }

    @Test
    void versionNoLongerServedIsNotRolledBack() throws Exception {
        harness.processBroadcastElement(new StreamRecord<>(production("1.0.0", "1.1.0", 5))); // already rolled back
        send("1.1.0", T0, 20, 2); // late events of the old release
        assertThat(alerts()).hasSize(1);
        assertThat(commands()).isEmpty();
    }
}
