package dev.pilotlight.jobs.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetUpdate;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.ThresholdRule;
import dev.pilotlight.jobs.ingest.Envelope;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ThresholdRuleEvaluatorTest {
    static final long T0 = 1_800_000_000_000L;

    static final String ROLLBACK = """
            rules:
              - id: rollback-error-rate
                metric: error_rate
                group_by: [route, promptId, promptVersion]
                window: 60s
                op: ">"
                threshold: 0.10
                min_samples: 20
                tier: 1
                action: ROLLBACK_PROMPT
                labels: {team: platform}
                annotations:
                  summary: "rate {{value}} on {{promptVersion}}"
                  runbook: runbook.md
            """;

    private KeyedBroadcastOperatorTestHarness<String, RuleInput, GuardBroadcast, Alert> harness;
    private List<ThresholdRule> rules;
    private long seq;

    @AfterEach
    void tearDown() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    private static List<ThresholdRule> rules(String yaml) {
        return RuleSetLoader.parse(Map.of("test.yaml", yaml)).thresholds();
    }

    private KeyedBroadcastOperatorTestHarness<String, RuleInput, GuardBroadcast, Alert> start(String yaml) throws Exception {
        rules = rules(yaml);
        harness = newHarness(rules);
        return harness;
    }

    static KeyedBroadcastOperatorTestHarness<String, RuleInput, GuardBroadcast, Alert> newHarness(List<ThresholdRule> rules) throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ThresholdRuleEvaluator(new ActiveRules(new RuleSet("v1", List.copyOf(rules)), T0 - 1),
                        new ActionCommands(Duration.ofMinutes(10), Duration.ofMinutes(5))),
                RuleInput::key, Types.STRING, ThresholdRuleEvaluator.RELEASES, ActiveRules.RULES, ThresholdRuleEvaluator.TOTALS);
        h.setProcessingTime(T0);
        return h;
    }

    private InvocationEvent.Builder call(String version, long ts) {
        return InvocationEvent.builder().eventId("e" + (seq++)).timestamp(ts).gatewayId("gw").userId("u").tenant("acme")
                .route("claims-letter").promptId("claims-letter").promptVersion(version);
    }

    private void process(Object event) throws Exception {
        Envelope e = event instanceof InvocationEvent i ? Envelope.of(i, 0) : Envelope.of((FeedbackEvent) event, 0);
        List<RuleInput> inputs = new java.util.ArrayList<>();
        MatchRules.collect(rules, e, inputs::add);
        for (RuleInput in : inputs) {
            harness.processElement(new StreamRecord<>(in, in.timestamp()));
        }
    }

    /** Sends {@code n} calls 100 ms apart from {@code start}; every k-th is an error (k=0: none). */
    private void send(String version, long start, int n, int everyKthError) throws Exception {
        for (int i = 0; i < n; i++) {
            boolean err = everyKthError > 0 && i % everyKthError == 0;
            process(call(version, start + i * 100L).status(err ? InvocationStatus.ERROR : InvocationStatus.OK).build());
        }
    }

    private void watermark(long t) throws Exception {
        harness.processWatermark(t);
        harness.processBroadcastWatermark(t);
    }

    private List<Alert> alerts() {
        return harness.extractOutputValues();
    }

    private List<ControlCommand> commands() {
        ConcurrentLinkedQueue<StreamRecord<ControlCommand>> q = harness.getSideOutput(ThresholdRuleEvaluator.COMMANDS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    private static ReleaseState production(String version, String previous, long revision) {
        return new ReleaseState(1, "claims-letter", "claims-letter", version, previous, null, 0, revision, T0, "admin", null);
    }

    @Test
    void thePublishedRuleSetInForceIsWhatTheVersionMetricReports() throws Exception {
        ActiveRules active = new ActiveRules(new RuleSet("v1", List.of()), T0 - 1);
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ThresholdRuleEvaluator(active, new ActionCommands(Duration.ofMinutes(10), Duration.ofMinutes(5))),
                RuleInput::key, Types.STRING, ThresholdRuleEvaluator.RELEASES, ActiveRules.RULES, ThresholdRuleEvaluator.TOTALS);
        try (h) {
            assertThat(active.versionInForce()).isEqualTo("v1");
            assertThat(active.inForceSince()).isEqualTo(T0 - 1);
            String yaml = "rules:\n  - id: r\n    metric: error_rate\n    window: 5m\n    op: '>'\n    threshold: 0.1\n"
                    + "    min_samples: 5\n    group_by: [route]\n    tier: 2\n";
            RuleSetUpdate v2 = new RuleSetUpdate(1, "v2", Map.of("r.yaml", yaml), T0 + 5, "ops");
            h.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(v2)));
            assertThat(active.versionInForce()).isEqualTo(v2.parse().version()).isNotEqualTo("v1");
            assertThat(active.inForceSince()).isEqualTo(T0 + 5);
            // an older publication does not replace it
            h.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(new RuleSetUpdate(1, "v0", Map.of("r.yaml", yaml), T0 + 1, "ops"))));
            assertThat(active.versionInForce()).isEqualTo(v2.parse().version());
        }
    }

    @Test
    void afterARestoreTheNewestWinsBetweenThePublishedSetAndTheFilesOfTheRestart() throws Exception {
        String yaml = "rules:\n  - id: r\n    metric: error_rate\n    window: 5m\n    op: '>'\n    threshold: 0.1\n"
                + "    min_samples: 5\n    group_by: [route]\n    tier: 2\n";
        RuleSetUpdate published = new RuleSetUpdate(1, "published", Map.of("r.yaml", yaml), T0 + 5, "ops");
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = evaluatorHarness(new ActiveRules(new RuleSet("files-v1", List.of()), T0 - 1))) {
            h.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(published)));
            snapshot = h.snapshot(1, T0 + 6);
        }
        ActiveRules restartedWithNewerFiles = new ActiveRules(new RuleSet("files-v2", List.of()), T0 + 10);
        try (var h = evaluatorHarness(restartedWithNewerFiles, snapshot)) {
            assertThat(restartedWithNewerFiles.current(h.getOperator().getOperatorStateBackend()
                    .getBroadcastState(ActiveRules.RULES)).version()).isEqualTo("files-v2");
            assertThat(restartedWithNewerFiles.versionInForce()).isEqualTo("files-v2");
        }
        ActiveRules restartedWithOlderFiles = new ActiveRules(new RuleSet("files-v0", List.of()), T0 + 1);
        try (var h = evaluatorHarness(restartedWithOlderFiles, snapshot)) {
            assertThat(restartedWithOlderFiles.current(h.getOperator().getOperatorStateBackend()
                    .getBroadcastState(ActiveRules.RULES)).version()).isEqualTo(published.parse().version());
        }
    }

    private static org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<String, RuleInput, GuardBroadcast, Alert> evaluatorHarness(
            ActiveRules active) throws Exception {
        return evaluatorHarness(active, null);
    }

    private static org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<String, RuleInput, GuardBroadcast, Alert> evaluatorHarness(
            ActiveRules active, org.apache.flink.runtime.checkpoint.OperatorSubtaskState restore) throws Exception {
        var h = new org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator<>(
                        new ThresholdRuleEvaluator(active, new ActionCommands(Duration.ofMinutes(10), Duration.ofMinutes(5))),
                        List.of(ThresholdRuleEvaluator.RELEASES, ActiveRules.RULES, ThresholdRuleEvaluator.TOTALS)),
                RuleInput::key, Types.STRING, 1, 1, 0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    // ---- rollback rules (moved from the first rollback trigger; same decisions) ----

    @Test
    void firesOnceWithRollbackToPreviousProductionWhenRateAndSampleSizeAreReached() throws Exception {
        start(ROLLBACK);
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.1.0", "1.0.0", 7))));
        send("1.1.0", T0, 19, 3); // 7 errors of 19 calls: 37%, but fewer than 20 calls
        assertThat(alerts()).isEmpty();

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

        ControlCommand c = commands().get(0);
        assertThat(c.type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
        assertThat(c.target()).isEqualTo("claims-letter");
        assertThat(c.params()).containsEntry("fromVersion", "1.1.0").containsEntry("toVersion", "1.0.0").containsEntry("revision", "7");
        assertThat(c.alertId()).isEqualTo(a.alertId());
        assertThat(a.commandId()).isEqualTo(c.commandId());
        assertThat(c.expiresAt() - c.issuedAt()).isEqualTo(Duration.ofMinutes(10).toMillis());
        assertThat(c.signature()).isNull(); // signing is SignCommands' job

        send("1.1.0", T0 + 2000, 30, 2); // still failing: the same episode, no repeats
        assertThat(alerts()).hasSize(1);
        assertThat(commands()).hasSize(1);
    }

    @Test
    void aRollbackTheGuardWasTooFarBehindToIssueIsIssuedOnceFreshEventsStillBreach() throws Exception {
        start(ROLLBACK);
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.1.0", "1.0.0", 7))));
        long now = T0 + Duration.ofMinutes(20).toMillis();
        harness.setProcessingTime(now); // restarted, reading a backlog that began 20 min ago; the release fails all along
        long lastStale = 0;
        for (long t = T0; t < now; t += 2_000) {
            process(call("1.1.0", t).status(t / 2_000 % 2 == 0 ? InvocationStatus.ERROR : InvocationStatus.OK).build());
            if (commands().isEmpty()) {
                lastStale = t;
            }
        }
        assertThat(alerts()).extracting(Alert::state).containsExactly(Alert.State.FIRING); // one episode throughout
        assertThat(commands()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
            assertThat(c.alertId()).isEqualTo(alerts().get(0).alertId());
        });
        // issued with the first event within max-decision-lag (5 min) of the clock, not before
        assertThat(lastStale).isBetween(now - Duration.ofMinutes(5).toMillis() - 2_000, now - Duration.ofMinutes(5).toMillis());
    }

    @Test
    void aBlockIsRenewedBeforeItEndsWhileTheBehaviourGoesOn() throws Exception {
        start("""
                rules:
                  - id: hammering
                    metric: calls
                    group_by: [userId]
                    window: 1m
                    op: ">"
                    threshold: 10
                    tier: 1
                    action: {type: BLOCK_USER, for: 10m}
                """);
        for (long t = T0; t <= T0 + 360_000; t += 2_000) { // a call every 2 s for 6 minutes: always 30 a minute
            harness.setProcessingTime(t);
            process(call("1.0.0", t).status(InvocationStatus.OK).build());
            if (t == T0 + 240_000) {
                assertThat(commands()).as("at 4 min the block is not yet half over").hasSize(1);
            }
        }
        assertThat(commands()).hasSize(2);
        ControlCommand first = commands().get(0);
        ControlCommand renewed = commands().get(1);
        assertThat(Long.parseLong(first.param("until")) - first.issuedAt()).isEqualTo(600_000);
        assertThat(renewed.issuedAt()).isBetween(first.issuedAt() + 300_000, first.issuedAt() + 302_000); // at half its life
        assertThat(Long.parseLong(renewed.param("until"))).isEqualTo(renewed.issuedAt() + 600_000);
        assertThat(renewed.commandId()).isNotEqualTo(first.commandId());
        assertThat(alerts()).hasSize(1); // one episode
    }

    @Test
    void anOpenEpisodeSurvivesARestoreWithoutASecondFiringOrCommandAndThenLeavesNoState() throws Exception {
        rules = rules(ROLLBACK);
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        String alertId;
        try (var h = evaluatorHarness(new ActiveRules(new RuleSet("v1", List.copyOf(rules)), T0 - 1))) {
            harness = h;
            h.setProcessingTime(T0);
            h.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.1.0", "1.0.0", 7))));
            send("1.1.0", T0, 20, 2);
            alertId = alerts().get(0).alertId();
            assertThat(commands()).hasSize(1);
            snapshot = h.snapshot(1, T0 + 2_000);
        }
        try (var h = evaluatorHarness(new ActiveRules(new RuleSet("v1", List.copyOf(rules)), T0 - 1), snapshot)) {
            harness = h;
            h.setProcessingTime(T0 + 30_000);
            send("1.1.0", T0 + 2_000, 20, 2); // still failing after the restart: the same episode
            assertThat(alerts()).isEmpty();
            assertThat(commands()).isEmpty();
            watermark(T0 + 200_000);
            assertThat(alerts()).singleElement().satisfies(a -> {
                assertThat(a.state()).isEqualTo(Alert.State.RESOLVED);
                assertThat(a.alertId()).isEqualTo(alertId);
            });
            assertThat(((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                    .numKeyValueStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
        harness = null;
    }

    @Test
    void aStatusWithoutItsRunningTotalRebuildsItFromTheBuckets() throws Exception {
        start(ROLLBACK);
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.1.0", "1.0.0", 7))));
        send("1.1.0", T0, 19, 3); // 7 errors of 19 calls, one short of min_samples
        // state as an earlier version left it: the running total kept elsewhere, not in the status
        harness.getOperator().setCurrentKey(RuleInput.keyOf("rollback-error-rate", List.of("claims-letter", "claims-letter", "1.1.0")));
        ValueState<KeyStatus> status = harness.getOperator().getKeyedStateBackend().getPartitionedState(VoidNamespace.INSTANCE,
                VoidNamespaceSerializer.INSTANCE, new ValueStateDescriptor<>("status", TypeInformation.of(KeyStatus.class)));
        KeyStatus st = status.value();
        assertThat(st.total).isNotNull();
        st.total = null;
        status.update(st);

        send("1.1.0", T0 + 1900, 1, 0); // the 20th call: fires only if the first 19 are still counted
        assertThat(alerts()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
        assertThat(alerts().get(0).value()).isEqualTo(7.0 / 20);
    }

    @Test
    void atThresholdOrWithOldErrorsOutsideTheWindowItStaysQuiet() throws Exception {
        start(ROLLBACK);
        send("1.1.0", T0, 20, 10); // 2 of 20 = 10%: not above 10%
        send("1.2.0", T0, 5, 1); // 5 errors long ago, then 20 clean calls 61 s later
        send("1.2.0", T0 + 61_000, 20, 0);
        assertThat(alerts()).isEmpty();
        assertThat(commands()).isEmpty();
    }

    @Test
    void resolvesOnceTheWindowHasNoBreachAnymoreAndLeavesNoState() throws Exception {
        start(ROLLBACK);
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.1.0", "1.0.0", 1))));
        send("1.1.0", T0, 20, 2);
        assertThat(alerts()).extracting(Alert::state).containsExactly(Alert.State.FIRING);
        watermark(T0 + 120_000);
        assertThat(alerts()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        Alert resolved = alerts().get(1);
        assertThat(resolved.alertId()).isEqualTo(alerts().get(0).alertId());
        assertThat(resolved.endsAt()).isNotNull().isGreaterThan(resolved.startsAt());
        assertThat(harness.numEventTimeTimers()).isZero(); // nothing left to wake up for
    }

    @Test
    void replayedDecisionHasTheSameIds() throws Exception {
        start(ROLLBACK);
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.1.0", "1.0.0", 3))));
        send("1.1.0", T0, 20, 2);
        Alert first = alerts().get(0);
        ControlCommand firstCmd = commands().get(0);
        harness.close();

        harness = newHarness(rules);
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.1.0", "1.0.0", 3))));
        for (int i = 0; i < 20; i++) { // other timing, same decision
            process(call("1.1.0", T0 + 50 + i * 90L).status(i % 2 == 0 ? InvocationStatus.ERROR : InvocationStatus.OK).build());
        }
        assertThat(alerts().get(0).alertId()).isEqualTo(first.alertId());
        assertThat(commands().get(0).commandId()).isEqualTo(firstCmd.commandId());
    }

    @Test
    void aBadCandidateIsRemovedInFavourOfProduction() throws Exception {
        start(ROLLBACK);
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(new ReleaseState(1, "claims-letter", "claims-letter", "1.0.0", null,
                "1.1.0", 0.1, 4, T0, "admin", null))));
        send("1.1.0", T0, 20, 2);
        assertThat(commands()).singleElement().satisfies(c ->
                assertThat(c.params()).containsEntry("fromVersion", "1.1.0").containsEntry("toVersion", "1.0.0"));
    }

    @Test
    void withoutKnownReleaseTheGatewayPicksThePreviousVersion() throws Exception {
        start(ROLLBACK);
        send("1.1.0", T0, 20, 2);
        assertThat(commands()).singleElement().satisfies(c ->
                assertThat(c.params()).containsEntry("fromVersion", "1.1.0").doesNotContainKey("toVersion"));
    }

    @Test
    void oldEventsAlertButIssueNoCommand() throws Exception {
        start(ROLLBACK);
        harness.setProcessingTime(T0 + Duration.ofHours(2).toMillis());
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.1.0", "1.0.0", 1))));
        send("1.1.0", T0, 20, 2);
        assertThat(alerts()).singleElement().satisfies(a -> assertThat(a.commandId()).isNull());
        assertThat(commands()).isEmpty();
    }

    @Test
    void versionNoLongerServedIsNotRolledBack() throws Exception {
        start(ROLLBACK);
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.0.0", "1.1.0", 5)))); // already rolled back
        send("1.1.0", T0, 20, 2); // late events of the old release
        assertThat(alerts()).hasSize(1);
        assertThat(commands()).isEmpty();
    }

    // ---- for / keep_firing_for ----

    static final String ERROR_RATE_FOR = """
            rules:
              - id: error-rate-high
                metric: error_rate
                group_by: [route]
                window: 1m
                op: ">"
                threshold: 0.05
                min_samples: 20
                for: 5m
                keep_firing_for: 2m
                tier: 1
            """;

    /** One call per second from {@code from} (inclusive) to {@code to} (exclusive); every k-th fails. */
    private void steady(long from, long to, int everyKthError) throws Exception {
        for (long t = from; t < to; t += 1000) {
            boolean err = everyKthError > 0 && ((t - from) / 1000) % everyKthError == 0;
            process(call("1.0.0", t).status(err ? InvocationStatus.ERROR : InvocationStatus.OK).build());
        }
    }

    @Test
    void pendsForFiveMinutesThenFiresOnceAndResolvesAfterKeepFiringFor() throws Exception {
        start(ERROR_RATE_FOR);
        steady(T0, T0 + 60_000, 0); // a clean minute
        steady(T0 + 60_000, T0 + 60_000 + 299_000, 5); // 20 % errors for 4:59
        watermark(T0 + 60_000 + 299_000);
        assertThat(alerts()).as("pending: held for less than 5 minutes").isEmpty();

        steady(T0 + 359_000, T0 + 420_000, 5);
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(Alert.State.FIRING);
            assertThat(a.startsAt() - (T0 + 60_000)).isBetween(300_000L, 320_000L); // 5 min after the 1-min rate first exceeded 5 % (at the 4th error)
        });

        steady(T0 + 420_000, T0 + 540_000, 0); // clean again: clear after ~1 min (window), resolve 2 min later
        watermark(T0 + 540_000);
        assertThat(alerts()).hasSize(1).as("keep_firing_for holds the alert");
        steady(T0 + 540_000, T0 + 720_000, 0);
        watermark(T0 + 720_000);
        assertThat(alerts()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        // the rate falls to 5 % once only 3 errors remain in the last minute (~45 s), then 2 min of keep_firing_for
        assertThat(alerts().get(1).endsAt() - (T0 + 420_000)).isBetween(160_000L, 185_000L);
    }

    @Test
    void aBreachShorterThanForNeverFires() throws Exception {
        start(ERROR_RATE_FOR);
        steady(T0, T0 + 180_000, 5); // 3 minutes of errors
        steady(T0 + 180_000, T0 + 600_000, 0);
        watermark(T0 + 700_000);
        assertThat(alerts()).isEmpty();
    }

    @Test
    void fiveMinutesOfBreachFireEvenWhenTrafficStopsDuringThePendingPhase() throws Exception {
        start("""
                rules:
                  - id: p95
                    metric: latency_p95
                    group_by: [route]
                    window: 10m
                    op: ">"
                    threshold: 5000
                    min_samples: 20
                    for: 5m
                    tier: 2
                """);
        for (int i = 0; i < 30; i++) {
            process(call("1.0.0", T0 + i * 1000L).latencyMs(i < 3 ? 100 : 8000).build());
        }
        assertThat(alerts()).isEmpty();
        watermark(T0 + 29_000 + 300_000); // no more events; the timer at the end of 'for' decides
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.value()).isBetween(7500.0, 8500.0); // HdrHistogram, 1 significant digit (about 6 %)
            assertThat(a.threshold()).isEqualTo(5000);
        });
    }

    // ---- actions other than rollback ----

    @Test
    void userActionTargetsTheUserAndLastsAsConfigured() throws Exception {
        start("""
                rules:
                  - id: injection-heavy-user
                    metric: injection_attempts
                    group_by: [userId]
                    window: 10m
                    op: ">="
                    threshold: 2
                    tier: 1
                    action: {type: THROTTLE_USER, params: {perMinute: "2"}, for: 30m}
                """);
        process(call("1.0.0", T0).userId("mallory").outputFlags(List.of("injection")).build());
        process(call("1.0.0", T0 + 1000).userId("alice").build());
        process(call("1.0.0", T0 + 2000).userId("mallory").outputFlags(List.of("pii_redacted", "injection")).build());
        assertThat(commands()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(CommandType.THROTTLE_USER);
            assertThat(c.target()).isEqualTo("mallory");
            assertThat(c.params()).containsEntry("perMinute", "2")
                    .containsEntry("until", String.valueOf(T0 + Duration.ofMinutes(30).toMillis()));
        });
    }

    // ---- baselines ----

    @Test
    void movingAverageBaselineComparesWithPastWindows() throws Exception {
        start("""
                rules:
                  - id: cost-spike
                    metric: spend
                    group_by: [tenant]
                    window: 1h
                    op: ">"
                    threshold: 2.0
                    baseline: {kind: moving_average, over: 1d}
                    min_samples: 5
                    tier: 2
                """);
        long day = T0 - T0 % 3_600_000L; // aligned to the hour
        for (int h = 0; h < 6; h++) { // six ordinary hours: $1 per hour
            for (int i = 0; i < 10; i++) {
                process(call("1.0.0", day + h * 3_600_000L + i * 60_000L).costUsd(0.10).build());
            }
            watermark(day + (h + 1) * 3_600_000L);
        }
        assertThat(alerts()).isEmpty();
        long h7 = day + 6 * 3_600_000L;
        for (int i = 0; i < 15; i++) { // $0.15 × 15 = $2.25 within the hour: above 2 × $1
            process(call("1.0.0", h7 + i * 60_000L).costUsd(0.15).build());
        }
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.threshold()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(a.value()).isGreaterThan(2.0);
        });
    }

    @Test
    void offsetBaselineComparesDistinctUsersWithYesterday() throws Exception {
        start("""
                rules:
                  - id: active-users-drop
                    metric: active_users
                    group_by: [route]
                    window: 1d
                    op: "<"
                    threshold: 0.8
                    baseline: {kind: offset, ago: 1d}
                    tier: 3
                """);
        long d0 = T0 - T0 % 86_400_000L;
        for (int u = 0; u < 50; u++) {
            process(call("1.0.0", d0 + 3_600_000L + u * 1000L).userId("user-" + u).build());
        }
        watermark(d0 + 86_400_000L);
        long d1 = d0 + 86_400_000L;
        for (int u = 0; u < 30; u++) { // 30 of yesterday's 50: a 40 % drop
            process(call("1.0.0", d1 + 3_600_000L + u * 1000L).userId("user-" + u).build());
        }
        watermark(d1 + 86_400_000L); // distinct counts are evaluated at bucket ends
        assertThat(alerts()).first().satisfies(a -> {
            assertThat(a.ruleId()).isEqualTo("active-users-drop");
            assertThat(a.value()).isBetween(29.0, 31.0);
            assertThat(a.threshold()).isBetween(39.0, 41.0);
        });
    }

    @Test
    void feedbackShareCountsOnlyRatedFeedback() throws Exception {
        start("""
                rules:
                  - id: thumbs-down
                    metric: thumbs_down_share
                    group_by: [route, promptVersion]
                    window: 1h
                    op: ">"
                    threshold: 0.30
                    min_samples: 10
                    tier: 2
                """);
        for (int i = 0; i < 10; i++) {
            FeedbackEvent.Rating r = i < 4 ? FeedbackEvent.Rating.DOWN : FeedbackEvent.Rating.UP;
            process(new FeedbackEvent(1, "f" + i, T0 + i * 1000L, "inv" + i, "u", r, null, null, null, null,
                    "claims-letter", "1.0.0", null, null));
            process(new FeedbackEvent(1, "g" + i, T0 + i * 1000L + 1, "inv" + i, "u", null, FeedbackEvent.Acceptance.ACCEPTED,
                    null, null, null, "claims-letter", "1.0.0", null, null)); // no rating: not a sample
        }
        assertThat(alerts()).singleElement().satisfies(a -> assertThat(a.value()).isEqualTo(0.4));
    }

    @Test
    void previousReleaseBaselineComparesCostPerCallWithTheVersionReplaced() throws Exception {
        start("""
                rules:
                  - id: rollback-cost-per-call
                    metric: cost_per_call
                    group_by: [route, promptId, promptVersion]
                    window: 10m
                    op: ">"
                    threshold: 3.0
                    baseline: {kind: previous_release}
                    min_samples: 20
                    tier: 1
                    action: ROLLBACK_PROMPT
                """);
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(production("1.1.0", "1.0.0", 9))));
        // 1.0.0 cost $0.01 a call over 100 calls (what ReleaseTotals broadcasts)
        harness.processBroadcastElement(new StreamRecord<>(GuardBroadcast.of(new ReleaseTotal(
                RuleInput.keyOf("rollback-cost-per-call", List.of("claims-letter", "claims-letter", "1.0.0")), 1.0, 100))));
        for (int i = 0; i < 20; i++) { // $0.025: 2.5x, not above 3x
            process(call("1.1.0", T0 + i * 1000L).costUsd(0.025).build());
        }
        assertThat(alerts()).isEmpty();
        for (int i = 20; i < 40; i++) { // now $0.05: the window's mean passes $0.03
            process(call("1.1.0", T0 + i * 1000L).costUsd(0.05).build());
        }
        assertThat(alerts()).singleElement().satisfies(a -> {
            assertThat(a.threshold()).isCloseTo(0.03, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(a.value()).isGreaterThan(0.03);
        });
        assertThat(commands()).singleElement().satisfies(c -> assertThat(c.params()).containsEntry("toVersion", "1.0.0"));
    }
}
