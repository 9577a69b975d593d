package dev.pilotlight.jobs.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.SequenceRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Episodes of a sequence rule: one FIRING per episode, its block issued late if it must and renewed while it lasts. */
class SequenceEpisodesTest {
    private static final long T0 = 1_800_000_000_000L;
    private static final long MIN = 60_000;
    private static final String RULES = """
            rules:
              - id: injection-burst-block-user
                kind: sequence
                stream: invocations
                pattern: count
                first:
                  - {field: outputFlags, op: contains, value: injection}
                times: 3
                within: 10m
                group_by: [userId]
                keep_firing_for: 10m
                tier: 1
                action: {type: BLOCK_USER, for: 1h}
            """;
    private final List<SequenceRule> rules = RuleSetLoader.parse(Map.of("sequence.yaml", RULES)).sequences();

    private KeyedOneInputStreamOperatorTestHarness<String, SequenceMatch, Alert> harness(OperatorSubtaskState restore) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new SequenceEpisodes(rules,
                new ActionCommands(Duration.ofMinutes(10), Duration.ofMinutes(5)), "v1")), SequenceMatch::key, Types.STRING);
        h.setProcessingTime(T0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static void match(KeyedOneInputStreamOperatorTestHarness<String, SequenceMatch, Alert> h, String user, long at) throws Exception {
        List<String> group = List.of(user);
        h.processElement(new StreamRecord<>(new SequenceMatch("injection-burst-block-user",
                RuleInput.keyOf("injection-burst-block-user", group), group, 3, at), at));
    }

    private static List<ControlCommand> commands(KeyedOneInputStreamOperatorTestHarness<String, SequenceMatch, Alert> h) {
        ConcurrentLinkedQueue<StreamRecord<ControlCommand>> q = h.getSideOutput(SequenceEpisodes.COMMANDS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void theFirstMatchFiresAndBlocksFurtherOnesKeepItFiringThenItResolvesAndLeavesNothing() throws Exception {
        try (var h = harness(null)) {
            match(h, "mallory", T0);
            match(h, "mallory", T0 + 5 * MIN);
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
            assertThat(commands(h)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(CommandType.BLOCK_USER);
                assertThat(c.target()).isEqualTo("mallory");
                assertThat(c.param("until")).isEqualTo(String.valueOf(T0 + 60 * MIN));
            });
            h.processWatermark(T0 + 15 * MIN - 1); // keep_firing_for after the last match: not yet
            assertThat(h.extractOutputValues()).hasSize(1);
            h.processWatermark(T0 + 15 * MIN);
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            assertThat(h.extractOutputValues().get(1).alertId()).isEqualTo(h.extractOutputValues().get(0).alertId());
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aBlockNotIssuedBecauseTheGuardWasBehindIsIssuedOnAFreshMatch() throws Exception {
        try (var h = harness(null)) {
            h.setProcessingTime(T0 + 20 * MIN); // the guard was twenty minutes behind when the burst began
            match(h, "mallory", T0);
            assertThat(h.extractOutputValues()).singleElement().satisfies(a -> assertThat(a.commandId()).isNull());
            assertThat(commands(h)).isEmpty();
            match(h, "mallory", T0 + 18 * MIN); // caught up: the attacks go on
            assertThat(commands(h)).singleElement().satisfies(c -> assertThat(c.type()).isEqualTo(CommandType.BLOCK_USER));
            match(h, "mallory", T0 + 19 * MIN);
            assertThat(commands(h)).hasSize(1); // once
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void aBlockIsRenewedPastHalfItsLifeWhileTheEpisodeLastsWithItsOwnId() throws Exception {
        try (var h = harness(null)) {
            match(h, "mallory", T0);
            for (long t = T0 + 5 * MIN; t <= T0 + 95 * MIN; t += 5 * MIN) { // a match every five minutes for 95 minutes
                h.setProcessingTime(t);
                match(h, "mallory", t);
            }
            List<ControlCommand> issued = commands(h);
            assertThat(issued).extracting(ControlCommand::issuedAt).containsExactly(T0, T0 + 30 * MIN, T0 + 60 * MIN, T0 + 90 * MIN);
            assertThat(issued).extracting(ControlCommand::commandId).doesNotHaveDuplicates();
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
        }
    }

    @Test
    void anOpenEpisodeSurvivesARestoreAndResolvesWithItsOwnId() throws Exception {
        OperatorSubtaskState snapshot;
        String alertId;
        try (var h = harness(null)) {
            match(h, "mallory", T0);
            alertId = h.extractOutputValues().get(0).alertId();
            snapshot = h.snapshot(1, T0);
        }
        try (var h = harness(snapshot)) {
            match(h, "mallory", T0 + 2 * MIN); // the same episode: no second FIRING, no second block
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(commands(h)).isEmpty();
            h.processWatermark(T0 + 12 * MIN);
            assertThat(h.extractOutputValues()).singleElement().satisfies(a -> {
                assertThat(a.state()).isEqualTo(Alert.State.RESOLVED);
                assertThat(a.alertId()).isEqualTo(alertId);
            });
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
