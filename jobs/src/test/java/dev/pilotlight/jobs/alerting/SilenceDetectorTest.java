package dev.pilotlight.jobs.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.rules.AbsenceRule;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.jobs.ingest.Envelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Absence rules in event time: silence fires, a sighting resolves, a restore pages nobody, the gone are forgotten. */
class SilenceDetectorTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final String RULES = """
            rules:
              - id: gateway-down
                kind: absence
                stream: heartbeats
                group_by: [gatewayId]
                for: 30s
                forget_after: 1h
                tier: 1
                annotations: {summary: "{{gatewayId}} silent"}
              - id: all-gateways-down
                kind: absence
                stream: heartbeats
                for: 30s
                tier: 1
            """;
    private final List<AbsenceRule> rules = RuleSetLoader.parse(Map.of("absence.yaml", RULES)).absences();

    private KeyedOneInputStreamOperatorTestHarness<String, RuleInput, Alert> harness(OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SilenceDetector(rules,
                new ActionCommands(Duration.ofMinutes(10), Duration.ofMinutes(5)), "v1")), RuleInput::key, Types.STRING);
        h.setProcessingTime(T0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private void heartbeat(KeyedOneInputStreamOperatorTestHarness<String, RuleInput, Alert> h, String gateway, long ts) throws Exception {
        List<RuleInput> inputs = new ArrayList<>();
        MatchRules.collect(rules, Envelope.of(new Heartbeat(1, gateway, ts, "test", 0, 0, 0, 0, Map.of()), ts), inputs::add);
        for (RuleInput in : inputs) {
            h.processElement(new StreamRecord<>(in, ts));
        }
    }

    private static List<String> transitions(KeyedOneInputStreamOperatorTestHarness<String, RuleInput, Alert> h) {
        return h.extractOutputValues().stream().map(a -> a.ruleId() + " " + a.state() + " " + a.labels().get("gatewayId")).toList();
    }

    @Test
    void silenceFiresOnTheWatermarkAndTheNextHeartbeatResolves() throws Exception {
        try (var h = harness(null)) {
            heartbeat(h, "gw-1", T0);
            h.processWatermark(T0 + 29_999);
            assertThat(transitions(h)).isEmpty();
            h.setProcessingTime(T0 + 3_600_000); // the clock means nothing to it
            assertThat(transitions(h)).isEmpty();
            h.processWatermark(T0 + 30_000); // silent for the rule's 30 s
            assertThat(transitions(h)).containsExactlyInAnyOrder("gateway-down FIRING gw-1", "all-gateways-down FIRING null");
            heartbeat(h, "gw-1", T0 + 40_000);
            assertThat(transitions(h)).hasSize(4).endsWith("gateway-down RESOLVED gw-1", "all-gateways-down RESOLVED null");
            assertThat(h.extractOutputValues().get(0).alertId()).isEqualTo(h.extractOutputValues().get(2).alertId());
        }
    }

    @Test
    void afterARestoreReplayedHeartbeatsComeBeforeTheDeadlineSoAnUpgradePagesNobody() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            heartbeat(h, "gw-1", T0);
            h.processWatermark(T0 + 10_000);
            snapshot = h.snapshot(1, T0 + 10_000);
        }
        try (var h = harness(snapshot)) {
            h.setProcessingTime(T0 + 600_000); // the restart took ten minutes: processing-time timers would all be overdue
            assertThat(transitions(h)).isEmpty();
            for (long t = T0 + 5_000; t <= T0 + 600_000; t += 5_000) { // the heartbeats written meanwhile, replayed
                heartbeat(h, "gw-1", t);
                h.processWatermark(t - 5_000);
            }
            assertThat(transitions(h)).isEmpty();
            assertThat(h.numEventTimeTimers()).isEqualTo(2); // one deadline per rule and group
            h.processWatermark(T0 + 630_001); // and then it really stops
            assertThat(transitions(h)).containsExactlyInAnyOrder("gateway-down FIRING gw-1", "all-gateways-down FIRING null");
        }
    }

    @Test
    void aGatewayThatNeverComesBackIsForgottenAndItsStateGoesWhileAllGatewaysDownKeepsFiring() throws Exception {
        try (var h = harness(null)) {
            heartbeat(h, "gw-gone", T0);
            heartbeat(h, "gw-gone", T0 + 5_000);
            h.processWatermark(T0 + 3_600_000);
            assertThat(transitions(h)).containsExactlyInAnyOrder("gateway-down FIRING gw-gone", "all-gateways-down FIRING null");
            h.processWatermark(T0 + 5_000 + 3_600_000);
            assertThat(h.extractOutputValues()).filteredOn(a -> a.state() == Alert.State.RESOLVED).singleElement().satisfies(a -> {
                assertThat(a.ruleId()).isEqualTo("gateway-down");
                assertThat(a.summary()).startsWith("forgotten after 1h of silence: gw-gone silent");
                assertThat(a.endsAt()).isEqualTo(T0 + 5_000 + 3_600_000);
            });
            // the gone gateway leaves nothing behind; all-gateways-down (one group) keeps its state and fires on
            assertThat(h.numEventTimeTimers()).isZero();
            assertThat(h.numKeyedStateEntries()).isEqualTo(3); // last-seen, firing-alert and group of its one group; no deadline
            h.processWatermark(T0 + 30 * 24 * 3_600_000L);
            assertThat(transitions(h)).hasSize(3);
            heartbeat(h, "gw-new", T0 + 30 * 24 * 3_600_000L + 1);
            assertThat(transitions(h)).last().isEqualTo("all-gateways-down RESOLVED null");
        }
    }

    @Test
    void aHeartbeatOlderThanTheLastSightingSaysNothing() throws Exception {
        try (var h = harness(null)) {
            heartbeat(h, "gw-1", T0 + 20_000);
            heartbeat(h, "gw-1", T0); // out of order
            h.processWatermark(T0 + 45_000);
            assertThat(transitions(h)).isEmpty();
            h.processWatermark(T0 + 50_001);
            assertThat(transitions(h)).hasSize(2);
        }
    }
}
