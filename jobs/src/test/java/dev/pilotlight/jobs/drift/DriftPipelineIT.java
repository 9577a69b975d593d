package dev.pilotlight.jobs.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.jobs.CollectingSink;
import dev.pilotlight.jobs.GuardModule;
import dev.pilotlight.jobs.GuardPipeline;
import dev.pilotlight.jobs.GuardSettings;
import dev.pilotlight.jobs.ListSource;
import dev.pilotlight.jobs.ingest.Envelope;
import dev.pilotlight.jobs.sink.GuardSinks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The drift module in the production graph on a MiniCluster, with the shipped rule files: ten stable
 * windows raise nothing; then answers get longer, questions simpler and acceptance falls, and the
 * tier-2 drift rules fire with scores that match the ones computed here from the events themselves.
 */
class DriftPipelineIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    /** The shipped rule files themselves: this test is about their drift rules (the frozen fixtures predate them). */
    private static final java.nio.file.Path SHIPPED_RULES = java.nio.file.Path.of("../alert-rules");
    private static final long WINDOW = 10_000;
    private static final int STABLE = 10;
    private static final int SHIFTED = 3;
    private static final DriftSettings SETTINGS = new DriftSettings(Duration.ofMillis(WINDOW), 6, 100, 50, 0.05, 1000, 0.1, 0.1, 32, 8,
            Duration.ofHours(1), 0.5, 7);
    private static final List<Envelope> INPUT = new ArrayList<>();
    private static final List<Envelope> CONTROL = new ArrayList<>();

    @Test
    void aShiftIsFoundWithTheRightScoresAndTheStablePeriodRaisesNothing() throws Exception {
        long t0 = (System.currentTimeMillis() / WINDOW - 100) * WINDOW;
        Random r = new Random(11);
        List<InvocationEvent> calls = new ArrayList<>();
        List<FeedbackEvent> feedback = new ArrayList<>();
        CONTROL.add(Envelope.of(new ReleaseState(1, "claims", "claims", "1.3.0", "1.2.0", null, 0, 5, t0 + 95_000, "admin", "test"), t0));
        for (int w = 0; w < STABLE + SHIFTED; w++) {
            boolean shifted = w >= STABLE;
            for (int i = 0; i < 300; i++) {
                long ts = t0 + w * WINDOW + i * 30L;
                long out = Math.round(Math.exp(5 + 0.4 * r.nextGaussian()) * (shifted ? 2.5 : 1));
                InvocationEvent e = InvocationEvent.builder().eventId("e" + w + "-" + i).timestamp(ts).gatewayId("gw").userId("u" + i % 50)
                        .route("claims").promptId("claims").promptVersion("1.3.0").model("m")
                        .inputTokens(150 + r.nextInt(100)).inputChars(600 + r.nextInt(400)).outputTokens(out).outputChars(out * 4)
                        .queryClass(r.nextDouble() < (shifted ? 0.2 : 0.6) ? "simple" : "complex").finishReason("stop").build();
                calls.add(e);
                INPUT.add(Envelope.of(e, ts));
                if (i % 3 == 0) {
                    boolean accepted = r.nextDouble() < (shifted ? 0.5 : 0.8);
                    FeedbackEvent f = new FeedbackEvent(1, "f" + w + "-" + i, ts + 5, e.eventId(), e.userId(), null,
                            accepted ? FeedbackEvent.Acceptance.ACCEPTED : FeedbackEvent.Acceptance.REJECTED, null, null, null,
                            "claims", "1.3.0", null, "m");
                    feedback.add(f);
                    INPUT.add(Envelope.of(f, ts + 5));
                }
            }
        }
        CollectingSink<Alert> alerts = new CollectingSink<>("drift-alerts");
        CollectingSink<MetricSample> metrics = new CollectingSink<>("drift-metrics");
        CollectingSink<DriftSnapshot> snapshots = new CollectingSink<>("drift-snapshots");
        GuardSettings settings = new GuardSettings(EnumSet.of(GuardModule.ALERTS, GuardModule.DRIFT), RuleSetLoader.load(SHIPPED_RULES),
                CommandSigner.fromSecret("drift-test-key-drift-test-key-drift!"), Duration.ofMinutes(10), Duration.ofMinutes(5),
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5), t0, Duration.ofMillis(100),
                Duration.ofDays(7), Duration.ofMinutes(2)).withDrift(SETTINGS);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        GuardPipeline.build(env, ListSource.of("drift-input", INPUT, 0), ListSource.of("drift-control", CONTROL, 0),
                new GuardSinks(alerts, new CollectingSink<ControlCommand>("drift-commands"), new CollectingSink<DeadLetter>("drift-dead"),
                        metrics, snapshots), settings);
        env.execute("drift-pipeline-test");

        long shiftStart = t0 + STABLE * WINDOW;
        List<Alert> drift = alerts.values().stream().filter(a -> a.ruleId().contains("drift")).toList();
        assertThat(drift).as("nothing during the stable windows").noneMatch(a -> a.startsAt() < shiftStart);
        assertThat(drift).filteredOn(a -> a.state() == Alert.State.FIRING)
                .extracting(a -> a.ruleId() + ":" + a.labels().get("feature"))
                .contains("output-drift-significant:output_tokens", "input-drift-significant:query_class", "performance-drift:acceptance");

        // the first shifted window against its six trailing windows, recomputed here from the events
        long w0 = shiftStart;
        Predicate<Long> trailing = ts -> ts >= w0 - 6 * WINDOW && ts < w0;
        Predicate<Long> current = ts -> ts >= w0 && ts < w0 + WINDOW;
        MetricSample acceptance = sample(metrics, "acceptance", w0);
        long[][] table = {
                {count(feedback, trailing, true), count(feedback, trailing, false)},
                {count(feedback, current, true), count(feedback, current, false)}};
        assertThat(acceptance.values().get("p_value")).isCloseTo(new ChiSquareTest().chiSquareTest(table), within(1e-9));
        assertThat(acceptance.values().get("change")).isCloseTo(table[1][0] / (double) (table[1][0] + table[1][1])
                - table[0][0] / (double) (table[0][0] + table[0][1]), within(1e-12));
        // the CUSUM of every window so far, recomputed: S = max(0, S - z - 0.5) with the pooled two-proportion z
        double s = 0;
        for (int k = 1; k < STABLE + SHIFTED; k++) {
            long wk = t0 + k * WINDOW;
            Predicate<Long> before = ts -> ts >= Math.max(t0, wk - 6 * WINDOW) && ts < wk;
            Predicate<Long> now = ts -> ts >= wk && ts < wk + WINDOW;
            double a1 = count(feedback, before, true);
            double n1 = a1 + count(feedback, before, false);
            double a2 = count(feedback, now, true);
            double n2 = a2 + count(feedback, now, false);
            double pooled = (a1 + a2) / (n1 + n2);
            double z = (a2 / n2 - a1 / n1) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
            s = Math.max(0, s - z - 0.5);
            MetricSample m = sample(metrics, "acceptance", wk);
            assertThat(m.values().get("score")).as("CUSUM of window %d", k).isCloseTo(s, within(1e-9));
            assertThat(m.values().get("drifted")).as("window %d", k).isEqualTo(s > 7 ? 1.0 : 0.0);
            if (k < STABLE) {
                assertThat(s).as("stable window %d", k).isLessThan(7);
            }
        }
        assertThat(s).as("after the shift").isGreaterThan(7);

        MetricSample queryClass = sample(metrics, "query_class", w0);
        double[] p = shares(calls, trailing);
        double[] q = shares(calls, current);
        assertThat(queryClass.values().get("js_distance")).isCloseTo(jsByEntropy(p, q), within(1e-9));
        assertThat(queryClass.values().get("psi")).isCloseTo((q[0] - p[0]) * Math.log(q[0] / p[0]) + (q[1] - p[1]) * Math.log(q[1] / p[1]),
                within(1e-9));
        assertThat(queryClass.labels()).containsEntry("reference", "trailing");
        assertThat(queryClass.values().get("reference_count")).isEqualTo(1800.0); // above 1,000: decided by the distance
        assertThat(snapshots.values()).anySatisfy(snap -> {
            assertThat(snap.windowStart()).isEqualTo(w0);
            assertThat(snap.releaseChanges()).containsExactly(new dev.pilotlight.common.event.ReleaseChange(t0 + 95_000,
                    "claims 1.3.0 to production (was 1.2.0)"));
            assertThat(snap.scores()).allSatisfy(x -> assertThat(x.releaseChanges())
                    .containsExactly("claims 1.3.0 to production (was 1.2.0), 15 s before the window ended"));
            assertThat(snap.references()).containsKey("trailing");
        });
    }

    private static MetricSample sample(CollectingSink<MetricSample> metrics, String feature, long windowStart) {
        return metrics.values().stream().filter(m -> m.dimension().equals("drift") && m.windowStart() == windowStart
                && m.labels().get("feature").equals(feature) && m.labels().get("reference").equals("trailing")).findFirst().orElseThrow();
    }

    private static long count(List<FeedbackEvent> f, Predicate<Long> when, boolean accepted) {
        return f.stream().filter(x -> when.test(x.timestamp()) && (x.acceptance() == FeedbackEvent.Acceptance.ACCEPTED) == accepted).count();
    }

    /** Shares of complex, simple (sorted as the module sorts categories). */
    private static double[] shares(List<InvocationEvent> calls, Predicate<Long> when) {
        List<InvocationEvent> in = calls.stream().filter(c -> when.test(c.timestamp())).toList();
        double simple = in.stream().filter(c -> c.queryClass().equals("simple")).count() / (double) in.size();
        return new double[] {1 - simple, simple};
    }

    private static double jsByEntropy(double[] p, double[] q) {
        double[] m = {(p[0] + q[0]) / 2, (p[1] + q[1]) / 2};
        return Math.sqrt(entropy(m) - (entropy(p) + entropy(q)) / 2);
    }

    private static double entropy(double[] p) {
        double h = 0;
        for (double x : p) {
            h -= x == 0 ? 0 : x * Math.log(x);
        }
        return h;
    }
}
