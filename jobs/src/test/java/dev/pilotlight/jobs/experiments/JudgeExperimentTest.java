package dev.pilotlight.jobs.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.common.experiment.ExperimentState.Decision;
import dev.pilotlight.common.experiment.ExperimentState.Status;
import dev.pilotlight.common.experiment.RampStep;
import java.time.Duration;
import java.util.List;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * One prompt's experiment through its verdicts, with a horizon of 100 ratings per arm: the statistics
 * it decides on are recomputed here from the counts, and every state and timer is gone once the release
 * has moved on.
 */
class JudgeExperimentTest {
    static final ExperimentSettings SETTINGS = new ExperimentSettings(0.05, 100, Duration.ofHours(1), 5, 0.25, 0.001, 20, 1000, 50, 0.02,
            0.01, 0.25, 0.25, Duration.ofHours(24), Duration.ofMinutes(1), Duration.ofSeconds(10));
    static final long T0 = 1_700_000_000_000L;
    static final String P = "claims";

    private KeyedOneInputStreamOperatorTestHarness<String, ExperimentInput, ExperimentState> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new JudgeExperiment(SETTINGS,
                new ExperimentCommands(Duration.ofMinutes(10)), Duration.ofMinutes(5))), ExperimentInput::promptId, Types.STRING);
        h.setProcessingTime(T0);
        h.open();
        return h;
    }

    static ReleaseState release(long revision, String production, String candidate, double split, long at, List<RampStep> plan) {
        return new ReleaseState(1, P, P, production, null, candidate, split, revision, at, "admin", "test", null, plan);
    }

    static ArmObservation call(String variant, String user, long t, InvocationStatus status, long latencyMs, double cost) {
        return new ArmObservation(P, P, variant, variant.equals("candidate") ? "1.1.0" : "1.0.0", user, t, false, status, latencyMs, cost,
                null, 0, 1);
    }

    static ArmObservation rating(String variant, String user, long t, boolean accepted) {
        return new ArmObservation(P, P, variant, variant.equals("candidate") ? "1.1.0" : "1.0.0", user, t, true, null, 0, 0, accepted,
                accepted ? 1 : -1, 1);
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ExperimentInput, ExperimentState> h, ArmObservation o) throws Exception {
        h.processElement(new StreamRecord<>(ExperimentInput.of(o), o.time()));
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, ExperimentInput, ExperimentState> h, ReleaseState r) throws Exception {
        h.processElement(new StreamRecord<>(ExperimentInput.of(r), r.updatedAt()));
    }

    private static List<ControlCommand> commands(KeyedOneInputStreamOperatorTestHarness<String, ExperimentInput, ExperimentState> h) {
        var q = h.getSideOutput(JudgeExperiment.COMMANDS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    private static List<Alert> alerts(KeyedOneInputStreamOperatorTestHarness<String, ExperimentInput, ExperimentState> h) {
        var q = h.getSideOutput(JudgeExperiment.ALERTS);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    private static ExperimentState last(KeyedOneInputStreamOperatorTestHarness<String, ExperimentInput, ExperimentState> h) {
        List<ExperimentState> out = h.extractOutputValues();
        return out.get(out.size() - 1);
    }

    /**
     * 40 users, even ones on production, odd ones on the candidate; each arm gets calls and {@code n} ratings,
     * of which production accepts {@code accP} and the candidate {@code accC}, interleaved.
     */
    private static long feed(KeyedOneInputStreamOperatorTestHarness<String, ExperimentInput, ExperimentState> h, long t, int n, int accP,
                             int accC) throws Exception {
        for (int i = 0; i < n; i++) {
            String up = "u" + (2 * (i % 20));
            String uc = "u" + (2 * (i % 20) + 1);
            send(h, call("production", up, t, InvocationStatus.OK, 800, 0.001));
            send(h, call("candidate", uc, t, InvocationStatus.OK, 820, 0.001));
            send(h, rating("production", up, t + 1, i < accP));
            send(h, rating("candidate", uc, t + 1, i < accC));
            t += 100;
        }
        return t;
    }

    @Test
    void aBetterCandidateIsPromotedOnceAtTheHorizonWithTheFiguresItWasJudgedOn() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            send(h, release(7, "1.0.0", "1.1.0", 0.5, T0, null));
            long t = feed(h, T0 + 1_000, 99, 60, 85);
            assertThat(commands(h)).as("no decision before the horizon").isEmpty();
            assertThat(last(h).status()).isEqualTo(Status.RUNNING);
            t = feed(h, t, 1, 0, 0); // the 100th rating of each arm: 60/100 vs 85/100
            assertThat(commands(h)).hasSize(1);
            ControlCommand c = commands(h).get(0);
            assertThat(c.type()).isEqualTo(CommandType.PROMOTE_VARIANT);
            assertThat(c.target()).isEqualTo(P);
            assertThat(c.params()).containsEntry("version", "1.1.0").containsEntry("revision", "7");
            ExperimentState s = last(h);
            assertThat(s.status()).isEqualTo(Status.DECIDED);
            assertThat(s.decision()).isEqualTo(Decision.PROMOTE);
            assertThat(s.commandId()).isEqualTo(c.commandId());
            // recomputed here: pooled two-proportion z, whose square is the 2x2 chi-square
            double p0 = 0.60;
            double p1 = 0.85;
            double pooled = (p0 + p1) / 2;
            double z = (p1 - p0) / Math.sqrt(pooled * (1 - pooled) * (2 / 100.0));
            double expectedP = 1 - new ChiSquaredDistribution(1).cumulativeProbability(z * z);
            assertThat(s.pValue()).isCloseTo(expectedP, within(1e-12));
            assertThat(2 * (1 - new NormalDistribution().cumulativeProbability(z))).isCloseTo(expectedP, within(1e-12));
            assertThat(s.effect()).isCloseTo(0.25, within(1e-12));
            assertThat(s.arms()).extracting(a -> a.variant() + ":" + a.samples() + ":" + a.accepted() + ":" + a.raters() + ":" + a.users())
                    .containsExactly("production:100:60:20:20", "candidate:100:85:20:20");
            assertThat(s.reason()).startsWith("candidate wins").contains("60.0%").contains("85.0%");
            Alert a = alerts(h).get(0);
            assertThat(a.tier()).isEqualTo(2);
            assertThat(a.state()).isEqualTo(Alert.State.FIRING);
            assertThat(a.commandId()).isEqualTo(c.commandId());
            assertThat(a.summary()).isEqualTo(s.reason());

            feed(h, t, 50, 0, 50); // more of everything: decided is decided
            assertThat(commands(h)).hasSize(1);
            snapshot = h.snapshot(1, t);
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new JudgeExperiment(SETTINGS,
                new ExperimentCommands(Duration.ofMinutes(10)), Duration.ofMinutes(5))), ExperimentInput::promptId, Types.STRING)) {
            h.setProcessingTime(T0);
            h.initializeState(snapshot);
            h.open();
            feed(h, T0 + 500_000, 5, 5, 0); // a restarted job resumes from state: still decided, no second command
            assertThat(commands(h)).isEmpty();
            send(h, new ReleaseState(1, P, P, "1.1.0", "1.0.0", null, 0, 8, T0 + 600_000, "command:pilotlight-guard/experiments", "won", null));
            ExperimentState end = last(h);
            assertThat(end.status()).isEqualTo(Status.DECIDED);
            assertThat(end.reason()).contains("applied: release revision 8");
            assertThat(alerts(h)).extracting(Alert::state).containsExactly(Alert.State.RESOLVED);
            assertThat(h.numKeyedStateEntries()).as("only the prompt's last release revision").isEqualTo(1);
            assertThat(h.numEventTimeTimers()).isZero();
            // the state that began the experiment, replayed: older than the last revision, it starts nothing
            int published = h.extractOutputValues().size();
            send(h, release(7, "1.0.0", "1.1.0", 0.5, T0, null));
            assertThat(h.extractOutputValues()).hasSize(published);
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        }
    }

    @Test
    void aWorseCandidateIsRolledBackAndNoDifferenceKeepsProduction() throws Exception {
        try (var h = harness()) {
            send(h, release(3, "1.0.0", "1.1.0", 0.5, T0, null));
            feed(h, T0 + 1_000, 100, 80, 55);
            ControlCommand c = commands(h).get(0);
            assertThat(c.type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
            assertThat(c.params()).containsEntry("fromVersion", "1.1.0").containsEntry("toVersion", "1.0.0").containsEntry("revision", "3");
            assertThat(last(h).decision()).isEqualTo(Decision.ROLLBACK);
            assertThat(last(h).reason()).startsWith("candidate loses");
            // an admin released something else before the rollback arrived: the decision says it was overtaken
            send(h, release(4, "1.0.0", "1.3.0", 0.5, T0 + 100_000, null));
            List<ExperimentState> out = h.extractOutputValues();
            ExperimentState ended = out.get(out.size() - 2);
            assertThat(ended.candidateVersion()).isEqualTo("1.1.0");
            assertThat(ended.reason()).contains("; overtaken before it was applied: release revision 4 by admin (test)");
            assertThat(last(h).candidateVersion()).isEqualTo("1.3.0");
            assertThat(last(h).status()).isEqualTo(Status.RUNNING);
        }
        try (var h = harness()) {
            send(h, release(3, "1.0.0", "1.1.0", 0.5, T0, null));
            feed(h, T0 + 1_000, 100, 70, 72);
            assertThat(last(h).decision()).isEqualTo(Decision.KEEP_PRODUCTION);
            assertThat(last(h).pValue()).isGreaterThan(0.05);
            assertThat(commands(h)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
                assertThat(c.params()).containsEntry("fromVersion", "1.1.0");
            });
        }
    }

    @Test
    void aSampleRatioMismatchPausesInsteadOfDecidingAndANewRevisionResumes() throws Exception {
        try (var h = harness()) {
            send(h, release(4, "1.0.0", "1.1.0", 0.5, T0, null));
            long t = T0 + 1_000;
            for (int i = 0; i < 60; i++) { // six production users for every candidate user at a 50% split
                send(h, call(i % 7 == 6 ? "candidate" : "production", "u" + i, t++, InvocationStatus.OK, 500, 0.001));
            }
            ExperimentState s = last(h);
            assertThat(s.status()).isEqualTo(Status.PAUSED);
            long users0 = s.arms().get(0).users();
            long users1 = s.arms().get(1).users();
            assertThat(users0 + users1).isGreaterThanOrEqualTo(SETTINGS.srmMinUsers());
            double e = (users0 + users1) / 2.0;
            double stat = Math.pow(users0 - e, 2) / e + Math.pow(users1 - e, 2) / e;
            assertThat(s.srmPValue()).isCloseTo(1 - new ChiSquaredDistribution(1).cumulativeProbability(stat), within(1e-12))
                    .isLessThan(SETTINGS.srmP());
            assertThat(s.reason()).startsWith("sample ratio mismatch: " + users0 + " production and " + users1 + " candidate users");
            assertThat(commands(h)).isEmpty();
            assertThat(alerts(h)).singleElement().satisfies(a -> assertThat(a.ruleId()).isEqualTo(ExperimentCommands.PAUSE_RULE));

            send(h, release(5, "1.0.0", "1.1.0", 0.5, t, null));
            assertThat(last(h).status()).isEqualTo(Status.RUNNING);
            assertThat(last(h).arms()).allSatisfy(a -> assertThat(a.users()).isZero());
            assertThat(alerts(h)).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        }
    }

    @Test
    void ratingsFromOneUserCannotDecide() throws Exception {
        try (var h = harness()) {
            send(h, release(4, "1.0.0", "1.1.0", 0.5, T0, null));
            long t = T0 + 1_000;
            for (int i = 0; i < 100; i++) {
                String up = "u" + (2 * (i % 20));
                String uc = i < 60 ? "mallory" : "u" + (2 * (i % 20) + 1);
                send(h, rating("production", up, t, i < 60));
                send(h, rating("candidate", uc, t, true));
                t += 10;
            }
            assertThat(last(h).status()).isEqualTo(Status.PAUSED);
            assertThat(last(h).reason()).startsWith("one user gave 60 of the candidate arm's 100 ratings");
            assertThat(commands(h)).isEmpty();
        }
    }

    @Test
    void aBrokenGuardrailRollsBackBeforeTheHorizon() throws Exception {
        try (var h = harness()) {
            send(h, release(4, "1.0.0", "1.1.0", 0.5, T0, null));
            long t = T0 + 1_000;
            for (int i = 0; i < 60; i++) {
                send(h, call("production", "u" + 2 * (i % 20), t, i % 50 == 0 ? InvocationStatus.ERROR : InvocationStatus.OK, 800, 0.001));
                send(h, call("candidate", "u" + (2 * (i % 20) + 1), t, i % 4 == 0 ? InvocationStatus.ERROR : InvocationStatus.OK, 800, 0.001));
                t += 10;
            }
            assertThat(last(h).decision()).isEqualTo(Decision.ROLLBACK);
            // judged as soon as both arms had 50 calls: 13 errors of 50 vs 1 of 50; recomputed here, the one-sided
            // z of "candidate - production > 2 points" with unpooled variance
            double se = Math.sqrt(0.02 * 0.98 / 50 + 0.26 * 0.74 / 50);
            double p = 1 - new NormalDistribution().cumulativeProbability((0.26 - 0.02 - 0.02) / se);
            assertThat(last(h).reason()).isEqualTo(String.format(java.util.Locale.ROOT,
                    "guardrail broken: error rate 26.0%% vs 2.0%% in production (margin 2.0 points, p = %.2g)", p));
            assertThat(p).isLessThan(SETTINGS.guardrailAlpha());
            assertThat(commands(h)).singleElement().satisfies(c -> assertThat(c.type()).isEqualTo(CommandType.ROLLBACK_PROMPT));
        }
    }

    @Test
    void noVerdictByTheMaximumDurationKeepsProductionAndSaysSo() throws Exception {
        try (var h = harness()) {
            send(h, release(4, "1.0.0", "1.1.0", 0.5, T0, null));
            feed(h, T0 + 1_000, 10, 5, 5);
            h.setProcessingTime(T0 + 3_600_000);
            h.processWatermark(T0 + 3_600_000);
            ExperimentState s = last(h);
            assertThat(s.decision()).isEqualTo(Decision.KEEP_PRODUCTION);
            assertThat(s.reason()).startsWith("max duration 1h reached with 10 production and 10 candidate ratings of the 100 each needs");
            assertThat(commands(h)).singleElement().satisfies(c -> assertThat(c.params()).containsEntry("fromVersion", "1.1.0"));
        }
    }

    @Test
    void aCanaryRampStepsUpAfterEachBakeAndPromotesAtTheEnd() throws Exception {
        List<RampStep> plan = List.of(new RampStep(0.1, 60_000, 20), new RampStep(0.5, 60_000, 20), new RampStep(1.0, 60_000, 20));
        try (var h = harness()) {
            send(h, release(10, "1.0.0", "1.1.0", 0.1, T0, plan));
            assertThat(last(h).mode()).isEqualTo("canary");
            long t = T0 + 1_000;
            for (int i = 0; i < 30; i++) { // 3 candidate users and 27 production users: the 10% asked for
                send(h, call("candidate", "c" + i % 3, t, InvocationStatus.OK, 800, 0.001));
                send(h, call("production", "p" + i % 27, t, InvocationStatus.OK, 800, 0.001));
                t += 100;
            }
            assertThat(commands(h)).as("still baking").isEmpty();
            h.processWatermark(T0 + 60_000);
            assertThat(commands(h)).singleElement().satisfies(c -> {
                assertThat(c.type()).isEqualTo(CommandType.SET_SPLIT);
                assertThat(c.params()).containsEntry("split", "0.5").containsEntry("candidate", "1.1.0").containsEntry("revision", "10");
            });
            // no gateway applied it before it expired (all were away): asked for again, same id
            h.setProcessingTime(T0 + 60_000 + 11 * 60_000);
            send(h, call("candidate", "c0", T0 + 60_500, InvocationStatus.OK, 800, 0.001));
            assertThat(commands(h)).hasSize(2).extracting(ControlCommand::commandId).containsOnly(commands(h).get(0).commandId());
            h.setProcessingTime(T0);
            send(h, release(11, "1.0.0", "1.1.0", 0.5, T0 + 61_000, null));
            assertThat(last(h).ramp().step()).isEqualTo(1);
            assertThat(last(h).ramp().history()).containsExactly(T0, T0 + 61_000);
            for (int i = 0; i < 20; i++) {
                send(h, call("candidate", "c" + i, T0 + 62_000 + i, InvocationStatus.OK, 800, 0.001));
                send(h, call("production", "p" + i, T0 + 62_000 + i, InvocationStatus.OK, 800, 0.001));
            }
            h.processWatermark(T0 + 121_000);
            assertThat(commands(h)).hasSize(3);
            send(h, release(12, "1.0.0", "1.1.0", 1.0, T0 + 122_000, null));
            for (int i = 0; i < 20; i++) {
                send(h, call("candidate", "c" + i, T0 + 123_000 + i, InvocationStatus.OK, 800, 0.001));
            }
            h.processWatermark(T0 + 182_000);
            assertThat(commands(h)).hasSize(4);
            assertThat(commands(h).get(3).type()).isEqualTo(CommandType.PROMOTE_VARIANT);
            assertThat(last(h).reason()).startsWith("step 3 of 3 (100%) baked 1m with 20 candidate calls");
        }
    }

    @Test
    void aCanaryIsAbortedByABrokenGuardrailMidRamp() throws Exception {
        List<RampStep> plan = List.of(new RampStep(0.5, 60_000, 20), new RampStep(1.0, 60_000, 20));
        try (var h = harness()) {
            send(h, release(10, "1.0.0", "1.1.0", 0.5, T0, plan));
            long t = T0 + 1_000;
            for (int i = 0; i < 60; i++) {
                send(h, call("candidate", "c" + i % 20, t, InvocationStatus.OK, 3_000, 0.001));
                send(h, call("production", "p" + i % 20, t, InvocationStatus.OK, 800, 0.001));
                t += 100;
            }
            assertThat(last(h).decision()).isEqualTo(Decision.ROLLBACK);
            assertThat(last(h).reason()).contains("p95 latency");
            assertThat(commands(h)).singleElement().satisfies(c -> assertThat(c.type()).isEqualTo(CommandType.ROLLBACK_PROMPT));
        }
    }

    @Test
    void theSequentialMethodStopsEarlyOnALargeEffectAndNotOnNone() throws Exception {
        ExperimentSettings sequential = SETTINGS.sequential(0.05, 50, 5_000);
        java.util.function.Supplier<KeyedOneInputStreamOperatorTestHarness<String, ExperimentInput, ExperimentState>> fresh = () -> {
            try {
                var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new JudgeExperiment(sequential,
                        new ExperimentCommands(Duration.ofMinutes(10)), Duration.ofMinutes(5))), ExperimentInput::promptId, Types.STRING);
                h.setProcessingTime(T0);
                h.open();
                return h;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        try (var h = fresh.get()) {
            send(h, release(3, "1.0.0", "1.1.0", 0.5, T0, null));
            feed(h, T0 + 1_000, 100, 60, 95); // 60% vs 95%: far beyond noise within 100 ratings
            ExperimentState s = last(h);
            assertThat(s.decision()).isEqualTo(Decision.PROMOTE);
            assertThat(s.method()).isEqualTo("sequential");
            assertThat(Math.min(s.arms().get(0).samples(), s.arms().get(1).samples())).isLessThan(100);
            assertThat(s.reason()).contains("always-valid p = ").contains("mSPRT, tau 0.05");
            assertThat(s.pValue()).isLessThan(0.05);
            assertThat(commands(h)).singleElement().satisfies(c -> assertThat(c.type()).isEqualTo(CommandType.PROMOTE_VARIANT));
        }
        try (var h = fresh.get()) {
            send(h, release(3, "1.0.0", "1.1.0", 0.5, T0, null));
            long t = feed(h, T0 + 1_000, 1_000, 700, 700); // identical arms, looked at after every rating
            h.processWatermark(t + 10_000); // the figures are published every publish_every
            assertThat(last(h).status()).isEqualTo(Status.RUNNING);
            assertThat(last(h).pValue()).isGreaterThan(0.05);
            assertThat(commands(h)).isEmpty();
        }
    }
}
