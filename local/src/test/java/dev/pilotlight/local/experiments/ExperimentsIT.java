package dev.pilotlight.local.experiments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.experiment.ArmSummary;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.common.experiment.ExperimentState.Decision;
import dev.pilotlight.common.experiment.ExperimentState.Status;
import dev.pilotlight.common.experiment.RampStep;
import dev.pilotlight.local.stack.GuardJobFixture;
import dev.pilotlight.reports.experiment.ExperimentReport;
import dev.pilotlight.reports.experiment.ExperimentStateReader;
import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The experiments module in the production graph, on a real broker and a MiniCluster, with the shipped
 * settings (a horizon of 1,000 ratings per arm, alpha 0.05): events go to llm.* as gateways send them,
 * release states to guard.releases signed, and the verdicts are read back from guard.experiments and
 * guard.control. Each experiment runs on a prompt of its own in one job.
 */
class ExperimentsIT {
    private static final String KEY = "experiments-test-key-experiments-test!";
    private static final CommandSigner SIGNER = CommandSigner.fromSecret(KEY);
    private static final NormalDistribution NORMAL = new NormalDistribution();
    private static final AtomicLong SEQ = new AtomicLong();
    private static GuardJobFixture fx;
    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        fx = GuardJobFixture.start(Fixtures.ALERT_RULES, dir, KEY, "--modules", "experiments", "--idleness", "1s");
        kafka = fx.kafka;
        producer = fx.producer;
    }

    @AfterAll
    static void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private static void release(String prompt, long revision, String candidate, double split, List<RampStep> plan) throws Exception {
        ReleaseState r = SIGNER.sign(new ReleaseState(1, prompt, prompt, "1.0.0", null, candidate, split, revision,
                System.currentTimeMillis(), "test", "experiment " + prompt, null, plan));
        producer.send(new ProducerRecord<>(Topics.RELEASES, prompt, JsonCodec.encode(r))).get();
    }

    /**
     * {@code calls} calls on each arm from 20 users per arm (production: users 0, 2, 4...; candidate: 1, 3, 5...),
     * every call rated: production accepts a share {@code accP} of them, the candidate {@code accC}, spread evenly.
     */
    private static void traffic(String prompt, int calls, double accP, double accC, long latencyC) {
        for (int i = 0; i < calls; i++) {
            send(prompt, "production", "1.0.0", prompt + "-u" + 2 * (i % 20), (i * 7919 % 1000) < accP * 1000, 800);
            send(prompt, "candidate", "1.1.0", prompt + "-u" + (2 * (i % 20) + 1), (i * 7919 % 1000) < accC * 1000, latencyC);
        }
        producer.flush();
    }

    private static void send(String prompt, String variant, String version, String user, Boolean accepted, long latencyMs) {
        String id = prompt + "-ev-" + SEQ.incrementAndGet();
        long now = System.currentTimeMillis();
        InvocationEvent e = InvocationEvent.builder().eventId(id).timestamp(now).gatewayId("gw-test").tenant("acme").userId(user)
                .route(prompt).promptId(prompt).promptVersion(version).variant(variant).experimentId(prompt + ":1.0.0-vs-1.1.0")
                .model("sim-model").status(InvocationStatus.OK).latencyMs(latencyMs).costUsd(0.001).build();
        producer.send(new ProducerRecord<>(Topics.INVOCATIONS, user, JsonCodec.encode(e)));
        if (accepted != null) {
            FeedbackEvent f = new FeedbackEvent(1, "fb-" + id, now + 1, id, user, accepted ? FeedbackEvent.Rating.UP : FeedbackEvent.Rating.DOWN,
                    accepted ? FeedbackEvent.Acceptance.ACCEPTED : FeedbackEvent.Acceptance.REJECTED, null, null, null, prompt, version, null, "sim-model");
            producer.send(new ProducerRecord<>(Topics.FEEDBACK, user, JsonCodec.encode(f)));
        }
    }

    /** The first state of {@code prompt} on guard.experiments that matches, signature verified. */
    private static ExperimentState state(String prompt, java.util.function.Predicate<ExperimentState> match) {
        return TopicReader.find(kafka.bootstrapServers(), Topics.EXPERIMENTS,
                        r -> prompt.equals(r.key()) && match.test(SIGNER.verify(r.value(), ExperimentState.class, "experiment state")),
                        Duration.ofSeconds(90))
                .map(r -> SIGNER.verify(r.value(), ExperimentState.class, "experiment state"))
                .orElseThrow(() -> new AssertionError("no such state of " + prompt + " on guard.experiments"));
    }

    private static Optional<ControlCommand> command(String prompt, CommandType type) {
        return TopicReader.find(kafka.bootstrapServers(), Topics.CONTROL, r -> {
            ControlCommand c = SIGNER.verify(r.value());
            return c.target().equals(prompt) && c.type() == type;
        }, Duration.ofSeconds(60)).map(r -> SIGNER.verify(r.value()));
    }

    /** Whether guard.control holds such a command now (for what must not be there: no waiting). */
    private static boolean hasCommand(String prompt, CommandType type) {
        return TopicReader.has(kafka.bootstrapServers(), Topics.CONTROL, r -> {
            ControlCommand c = SIGNER.verify(r.value());
            return c.target().equals(prompt) && c.type() == type;
        });
    }

    /** The decision's p-value, recomputed from the arms' published counts: the pooled z, squared, is the 2x2 chi-square. */
    private static void pValueMatchesTheCounts(ExperimentState s) {
        ArmSummary p = s.arms().get(0);
        ArmSummary c = s.arms().get(1);
        assertThat(Math.min(p.samples(), c.samples())).isGreaterThanOrEqualTo(1000);
        double p0 = p.accepted() / (double) p.samples();
        double p1 = c.accepted() / (double) c.samples();
        double pooled = (p.accepted() + c.accepted()) / (double) (p.samples() + c.samples());
        double z = (p1 - p0) / Math.sqrt(pooled * (1 - pooled) * (1.0 / p.samples() + 1.0 / c.samples()));
        assertThat(s.pValue()).isCloseTo(2 * (1 - NORMAL.cumulativeProbability(Math.abs(z))), within(1e-9));
        assertThat(s.effect()).isCloseTo(p1 - p0, within(1e-12));
    }

    @Test
    void aBetterCandidateIsPromotedAWorseOneRolledBackAndNoDifferenceKeepsProduction() throws Exception {
        release("x-win", 1, "1.1.0", 0.5, null);
        release("x-lose", 1, "1.1.0", 0.5, null);
        release("x-aa", 1, "1.1.0", 0.5, null);
        Deadline.require("experiments started", Duration.ofSeconds(60), () -> TopicReader.has(kafka.bootstrapServers(), Topics.EXPERIMENTS,
                r -> "x-aa".equals(r.key())));
        traffic("x-win", 1040, 0.65, 0.80, 800);
        traffic("x-lose", 1040, 0.80, 0.60, 800);
        traffic("x-aa", 1040, 0.70, 0.70, 800);

        ExperimentState win = state("x-win", s -> s.status() == Status.DECIDED);
        assertThat(win.decision()).isEqualTo(Decision.PROMOTE);
        assertThat(win.pValue()).isLessThan(0.05);
        pValueMatchesTheCounts(win);
        ControlCommand promote = command("x-win", CommandType.PROMOTE_VARIANT).orElseThrow();
        assertThat(promote.params()).containsEntry("version", "1.1.0").containsEntry("revision", "1");
        assertThat(win.commandId()).isEqualTo(promote.commandId());

        ExperimentState lose = state("x-lose", s -> s.status() == Status.DECIDED);
        assertThat(lose.decision()).isEqualTo(Decision.ROLLBACK);
        pValueMatchesTheCounts(lose);
        assertThat(command("x-lose", CommandType.ROLLBACK_PROMPT).orElseThrow().params()).containsEntry("fromVersion", "1.1.0")
                .containsEntry("toVersion", "1.0.0");

        ExperimentState aa = state("x-aa", s -> s.status() == Status.DECIDED);
        assertThat(aa.decision()).isEqualTo(Decision.KEEP_PRODUCTION);
        assertThat(aa.pValue()).isGreaterThanOrEqualTo(0.05);
        pValueMatchesTheCounts(aa);
        assertThat(hasCommand("x-aa", CommandType.PROMOTE_VARIANT)).isFalse();

        // ./pilotlight report experiment reads the same states back, signed ones only
        ExperimentStateReader.States read = new ExperimentStateReader(kafka.bootstrapServers(), SIGNER).read("x-win", 0, Long.MAX_VALUE);
        assertThat(read.refused()).isZero();
        String md = ExperimentReport.markdown("x-win", read.states());
        assertThat(md).contains("## 1.1.0 against 1.0.0 (ab)").contains("**Status DECIDED, decision PROMOTE**")
                .contains(String.format(java.util.Locale.ROOT, "p = %.3g", win.pValue()))
                .contains(String.format(java.util.Locale.ROOT, "**%+.1f points**", 100 * win.effect()))
                .containsPattern("\\| candidate \\| 1\\.1\\.0 \\| 20 \\| \\d+ \\| ");
        assertThat(new ExperimentStateReader(kafka.bootstrapServers(), CommandSigner.fromSecret("another-key-another-key-another-key!"))
                .read("x-win", 0, Long.MAX_VALUE).states()).as("states not signed with the reader's key are refused").isEmpty();
    }

    @Test
    void aSampleRatioMismatchPausesTheExperiment() throws Exception {
        release("x-srm", 1, "1.1.0", 0.5, null);
        Deadline.require("experiment started", Duration.ofSeconds(60), () -> TopicReader.has(kafka.bootstrapServers(), Topics.EXPERIMENTS,
                r -> "x-srm".equals(r.key())));
        for (int i = 0; i < 60; i++) { // 50 production users, 10 candidate users at a 50% split
            send("x-srm", i < 50 ? "production" : "candidate", i < 50 ? "1.0.0" : "1.1.0", "x-srm-u" + i, null, 700);
        }
        producer.flush();
        ExperimentState s = state("x-srm", x -> x.status() == Status.PAUSED);
        assertThat(s.reason()).startsWith("sample ratio mismatch");
        assertThat(s.srmPValue()).isLessThan(0.001);
        assertThat(TopicReader.has(kafka.bootstrapServers(), Topics.CONTROL, r -> r.key().equals("x-srm"))).isFalse();
    }

    @Test
    void aCanaryRampAdvancesStepByStepAndOneThatBreaksAGuardrailIsAborted() throws Exception {
        release("x-ramp", 1, "1.1.0", 0.5, List.of(new RampStep(0.5, 2_000, 50), new RampStep(1.0, 2_000, 50)));
        release("x-abort", 1, "1.1.0", 0.5, List.of(new RampStep(0.5, 60_000, 50), new RampStep(1.0, 60_000, 50)));
        Deadline.require("canaries started", Duration.ofSeconds(60), () -> TopicReader.has(kafka.bootstrapServers(), Topics.EXPERIMENTS,
                r -> "x-abort".equals(r.key())));
        traffic("x-ramp", 60, 0.7, 0.7, 800);
        traffic("x-abort", 250, 0.7, 0.7, 4_000); // the candidate's p95 latency five times production's

        ControlCommand step2 = command("x-ramp", CommandType.SET_SPLIT).orElseThrow(() -> new AssertionError("the ramp did not move on"));
        assertThat(step2.params()).containsEntry("split", "1.0").containsEntry("candidate", "1.1.0").containsEntry("revision", "1");
        release("x-ramp", 2, "1.1.0", 1.0, List.of(new RampStep(0.5, 2_000, 50), new RampStep(1.0, 2_000, 50))); // as a gateway applies it
        Deadline.require("step 2 under way", Duration.ofSeconds(60), () -> TopicReader.has(kafka.bootstrapServers(), Topics.EXPERIMENTS,
                r -> "x-ramp".equals(r.key()) && SIGNER.verify(r.value(), ExperimentState.class, "experiment state").ramp().step() == 1));
        for (int i = 0; i < 60; i++) {
            send("x-ramp", "candidate", "1.1.0", "x-ramp-u" + i, null, 800);
        }
        producer.flush();
        ControlCommand promote = command("x-ramp", CommandType.PROMOTE_VARIANT).orElseThrow(() -> new AssertionError("no promotion at the end"));
        assertThat(promote.params()).containsEntry("version", "1.1.0").containsEntry("revision", "2");
        ExperimentState done = state("x-ramp", s -> s.status() == Status.DECIDED);
        assertThat(done.ramp().history()).hasSize(2);
        assertThat(done.reason()).startsWith("step 2 of 2 (100%) baked 2s");

        ExperimentState aborted = state("x-abort", s -> s.status() == Status.DECIDED);
        assertThat(aborted.decision()).isEqualTo(Decision.ROLLBACK);
        assertThat(aborted.reason()).startsWith("guardrail broken: p95 latency");
        assertThat(aborted.ramp().step()).isZero();
        assertThat(command("x-abort", CommandType.ROLLBACK_PROMPT).orElseThrow().params()).containsEntry("fromVersion", "1.1.0");
        assertThat(hasCommand("x-abort", CommandType.SET_SPLIT)).isFalse();
    }
}
