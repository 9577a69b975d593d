package dev.pilotlight.jobs.influx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.jobs.CollectingSink;
import dev.pilotlight.testkit.LoopbackPorts;
import dev.pilotlight.testkit.binaries.VictoriaMetrics;
import dev.pilotlight.testkit.kafka.PoisonRecords;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The writer's graph on a MiniCluster writing to a real server of the InfluxDB v2 write API, read back. */
class InfluxWriterPipelineIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    static final List<TopicRecord> INPUT = new ArrayList<>();

    static final class FromInput implements GeneratorFunction<Long, TopicRecord> {
        @Override
        public TopicRecord map(Long i) {
            return INPUT.get(i.intValue());
        }
    }

    @TempDir
    Path dir;

    private final long minute = (System.currentTimeMillis() / 60_000 - 5) * 60_000;

    @Test
    void writesEveryRecordKindAndReadsItBackFromARealServer() throws Exception {
        INPUT.clear();
        INPUT.add(record(Topics.METRICS, window("release", Map.of("route", "claims-letter", "promptVersion", "1.1.0",
                "variant", "b", "model", "sim-model"), minute, 40, 4)));
        INPUT.add(record(Topics.METRICS, window("tenant", Map.of("tenant", "acme"), minute, 55, 1)));
        INPUT.add(record(Topics.METRICS, dev.pilotlight.jobs.drift.DriftSamples.of(new dev.pilotlight.common.event.DriftScore(1,
                "claims-letter", "1.1.0", "acceptance", "performance", "trailing", "24 previous windows", minute, minute + 60_000, 120, 2400,
                "scored", 0.31, 0.22, null, 0.0004, "two_proportion", 0.0004, 0.05, true, -0.18, List.of()))));
        INPUT.add(record(Topics.METRICS, dev.pilotlight.jobs.drift.DriftSamples.of(new dev.pilotlight.common.event.DriftScore(1,
                "claims-letter", "1.1.0", "output_tokens", "output", "trailing", "24 previous windows", minute, minute + 60_000, 300, 7200,
                "scored", 0.45, 0.3, 0.8, null, "wasserstein", 0.8, 0.1, true, null, List.of()))));
        Map<String, Double> spender = new java.util.LinkedHashMap<>(Map.of("spend_usd", 5.0, "calls", 40.0, "rank", 1.0, "quota_use", 0.5,
                "score", 12.5, "outlier", 1.0, "users", 1.0));
        INPUT.add(record(Topics.METRICS, new MetricSample(1, "spender|acme|u7", "spender", Map.of("tenant", "acme", "user", "u7", "day",
                "2026-11-30"), minute, minute + 60_000, 0, 40, 0, null, null, null, null, 0, 0, 5.0, null, 0, null, 0, null, 0, 0, 0, 0, 0,
                null, null, spender)));
        INPUT.add(record(Topics.METRICS, dev.pilotlight.jobs.usage.UsageSamples.of(scorecard(minute))));
        INPUT.add(record(Topics.ALERTS, new Alert(1, "alert-1", "injection-burst", 1, Alert.State.FIRING,
                Map.of("userId", "mallory", "severity", "page"), 3, 3, minute + 1_000, null, "3 injections", "docs/runbooks/security-event.md",
                "cmd-1", "v-abc")));
        INPUT.add(record(Topics.ALERTS, new Alert(1, "alert-2", "error-rate-page", 1, Alert.State.RESOLVED,
                Map.of("route", "claims-letter"), 0.01, 0.05, minute, minute + 90_000, "ok again", null, null, "v-abc")));
        INPUT.add(record(Topics.CONTROL, new ControlCommand(1, "cmd-1", minute + 1_500, CommandType.BLOCK_USER, "mallory",
                Map.of("for", "1h"), "injection burst", "alert-1", "guard", minute + 3_600_000, "sig")));
        INPUT.add(record(Topics.CONTROL, new ControlCommand(1, "cmd-2", minute + 2_000, CommandType.ROLLBACK_PROMPT, "claims-letter",
                Map.of("fromVersion", "1.1.0"), "error rate", "alert-3", "guard", minute + 600_000, "sig")));
        INPUT.add(record(Topics.RELEASES, new ReleaseState(1, "claims-letter", "claims-letter", "1.0.0", "1.1.0", "1.2.0", 0.1, 7,
                minute + 2_500, "guard", "rollback")));
        INPUT.add(record(Topics.EXPERIMENTS, new dev.pilotlight.common.experiment.ExperimentState(1, "claims-triage:1.0.0-vs-1.1.0@r3",
                "claims-triage", "claims-triage", "1.0.0", "1.1.0", 0.5, 3, 3, minute, "ab", "fixed",
                dev.pilotlight.common.experiment.ExperimentState.Status.DECIDED, dev.pilotlight.common.experiment.ExperimentState.Decision.PROMOTE,
                "candidate wins", List.of(
                        new dev.pilotlight.common.experiment.ArmSummary("production", "1.0.0", 31, 1300, 13, 0.01, 0.005, 0.017, 1280, 862,
                                0.673, 0.647, 0.699, 31, 862, 418, 810.0, 0.0011),
                        new dev.pilotlight.common.experiment.ArmSummary("candidate", "1.1.0", 33, 1010, 9, 0.009, 0.004, 0.017, 1000, 796,
                                0.796, 0.77, 0.82, 33, 796, 204, 790.0, 0.0012)),
                7.0e-11, 0.123, 0.086, 0.158, 0.53, 1000, "cmd-7", null, minute + 3_000, "sig")));
        INPUT.add(new TopicRecord(Topics.METRICS, 2, 42, "release:x", "{\"schemaVersion\":1,\"seriesKey\":\"x\"}"));

        CollectingSink<DeadLetter> dead = new CollectingSink<>("influx-dead");
        try (VictoriaMetrics vm = VictoriaMetrics.start(LoopbackPorts.free(), dir.resolve("vm"))) {
            run(vm.url(), dead).getJobExecutionResult().get(60, TimeUnit.SECONDS);

            List<VictoriaMetrics.Series> all = awaitSeries(vm, s -> s.size() >= 80 && s.stream().anyMatch(x -> x.name().startsWith("llm_drift_")));
            assertThat(find(all, "llm_release_calls", Map.of("route", "claims-letter", "prompt_version", "1.1.0",
                    "variant", "b", "model", "sim-model"))).hasValueSatisfying(s -> {
                        assertThat(s.last()).isEqualTo(40);
                        assertThat(s.timestamps()).containsExactly(minute);
                    });
            assertThat(find(all, "llm_release_error_rate", Map.of("route", "claims-letter"))).hasValueSatisfying(s ->
                    assertThat(s.last()).isEqualTo(0.1));
            assertThat(find(all, "llm_tenant_calls", Map.of("tenant", "acme"))).hasValueSatisfying(s ->
                    assertThat(s.last()).isEqualTo(55));
            assertThat(find(all, "llm_drift_psi", Map.of("route", "claims-letter", "feature", "output_tokens", "reference", "trailing",
                    "kind", "output"))).hasValueSatisfying(s -> assertThat(s.last()).isEqualTo(0.45));
            assertThat(find(all, "llm_alert_firing", Map.of("rule_id", "injection-burst", "state", "FIRING", "tier", "1",
                    "user", "mallory", "severity", "page"))).hasValueSatisfying(s -> assertThat(s.last()).isEqualTo(1));
            assertThat(find(all, "llm_alert_duration_seconds", Map.of("rule_id", "error-rate-page", "state", "RESOLVED")))
                    .hasValueSatisfying(s -> {
                        assertThat(s.last()).isEqualTo(90);
                        assertThat(s.timestamps()).containsExactly(minute + 90_000); // a resolution is plotted when it happened
                    });
            assertThat(find(all, "llm_command_count", Map.of("type", "BLOCK_USER", "user", "mallory"))).isPresent();
            assertThat(find(all, "llm_command_count", Map.of("type", "ROLLBACK_PROMPT", "target", "claims-letter"))).isPresent();
            assertThat(find(all, "llm_release_change_revision", Map.of("prompt_id", "claims-letter"))).hasValueSatisfying(s ->
                    assertThat(s.last()).isEqualTo(7));
            assertThat(find(all, "llm_experiment_acceptance_rate", Map.of("route", "claims-triage", "arm", "candidate", "version", "1.1.0")))
                    .hasValueSatisfying(s -> assertThat(s.last()).isEqualTo(0.796));
            assertThat(find(all, "llm_experiment_samples", Map.of("arm", "production"))).hasValueSatisfying(s ->
                    assertThat(s.last()).isEqualTo(1280));
            assertThat(find(all, "llm_usage_verdict", Map.of("route", "claims-notes"))).hasValueSatisfying(x ->
                    assertThat(x.last()).isEqualTo(1)); // ITERATE
            assertThat(find(all, "llm_usage_activation_rate", Map.of("route", "claims-notes"))).hasValueSatisfying(x ->
                    assertThat(x.last()).isEqualTo(0.8));
            assertThat(find(all, "llm_usage_adoption_weekly", Map.of("route", "claims-notes", "tenant", "acme"))).hasValueSatisfying(x ->
                    assertThat(x.last()).isEqualTo(0.5));
            assertThat(find(all, "llm_spender_spend_usd", Map.of("tenant", "acme", "user", "u7", "day", "2026-11-30")))
                    .hasValueSatisfying(s -> assertThat(s.last()).isEqualTo(5.0));

            // the writer produces every documented measurement and field (the dashboards may rely on each) ...
            Measurements.FIELDS.forEach((measurement, fields) -> fields.forEach(f -> assertThat(all)
                    .as("series %s_%s", measurement, f).anyMatch(s -> s.name().equals(measurement + "_" + f))));
            // ... and nothing else: every series is a documented measurement and field, every tag a documented tag or an alert's label
            for (VictoriaMetrics.Series s : all) {
                String measurement = Measurements.FIELDS.entrySet().stream()
                        .filter(e -> e.getValue().stream().anyMatch(f -> s.name().equals(e.getKey() + "_" + f)))
                        .map(Map.Entry::getKey).findFirst().orElse(null);
                assertThat(measurement).as("measurement and field of %s", s.name()).isNotNull();
                s.labels().keySet().stream().filter(k -> !k.equals("__name__")).forEach(tag -> assertThat(
                        Measurements.TAGS.get(measurement).contains(tag) || measurement.equals(Measurements.ALERT))
                        .as("tag %s of %s", tag, s.name()).isTrue());
            }
        }
        assertThat(dead.values()).singleElement().satisfies(d -> {
            assertThat(d.sourceTopic()).isEqualTo(Topics.METRICS);
            assertThat(d.offset()).isEqualTo(42);
            assertThat(d.reason()).contains("influx writer").contains("dimension");
        });
    }

    @Test
    void anOutageDelaysTheWritesAndLosesNothing() throws Exception {
        INPUT.clear();
        for (int i = 0; i < 5; i++) {
            INPUT.add(record(Topics.METRICS, window("tenant", Map.of("tenant", "t" + i), minute, 10 + i, 0)));
        }
        int port = LoopbackPorts.free();
        AtomicInteger refused = new AtomicInteger();
        JobClient job;
        // InfluxDB "down": the port accepts connections and drops them, as a dying server behind a proxy does
        try (ServerSocket down = new ServerSocket(port)) {
            Thread acceptor = new Thread(() -> {
                while (!down.isClosed()) {
                    try (Socket s = down.accept()) {
                        refused.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            job = run("http://127.0.0.1:" + port, new CollectingSink<>("influx-dead-outage"));
            assertThat(Deadline.in(Duration.ofSeconds(30)).await(() -> refused.get() >= 2))
                    .as("writer retried against the down server").isTrue();
        }
        assertThat(job.getJobStatus().get()).isEqualTo(org.apache.flink.api.common.JobStatus.RUNNING);
        try (VictoriaMetrics vm = VictoriaMetrics.start(port, dir.resolve("vm2"))) {
            job.getJobExecutionResult().get(90, TimeUnit.SECONDS);
            List<VictoriaMetrics.Series> all = awaitSeries(vm, s -> s.stream().filter(x -> x.name().equals("llm_tenant_calls")).count() == 5);
            for (int i = 0; i < 5; i++) {
                assertThat(find(all, "llm_tenant_calls", Map.of("tenant", "t" + i))).hasValueSatisfying(s -> assertThat(s.last()).isBetween(10.0, 14.0));
            }
        }
    }

    @Test
    void anythingElseOnItsTopicsIsADeadLetterAndTheRestIsWritten() throws Exception {
        INPUT.clear();
        List<String> topics = List.of(Topics.METRICS, Topics.ALERTS, Topics.CONTROL, Topics.RELEASES);
        int poisoned = 0;
        for (String topic : topics) {
            for (byte[] poison : PoisonRecords.all()) {
                if (poison != null) {
                    INPUT.add(new TopicRecord(topic, 0, poisoned++, "poison", new String(poison, StandardCharsets.UTF_8)));
                }
            }
        }
        INPUT.add(record(Topics.METRICS, window("tenant", Map.of("tenant", "after-the-poison"), minute, 7, 0)));
        CollectingSink<DeadLetter> dead = new CollectingSink<>("influx-dead-poison");
        try (VictoriaMetrics vm = VictoriaMetrics.start(LoopbackPorts.free(), dir.resolve("vm-poison"))) {
            run(vm.url(), dead).getJobExecutionResult().get(60, TimeUnit.SECONDS);
            List<VictoriaMetrics.Series> all = awaitSeries(vm, s -> s.stream().anyMatch(x -> x.name().equals("llm_tenant_calls")));
            assertThat(find(all, "llm_tenant_calls", Map.of("tenant", "after-the-poison"))).hasValueSatisfying(x -> assertThat(x.last()).isEqualTo(7));
        }
        assertThat(dead.values()).hasSize(poisoned).allSatisfy(d -> assertThat(d.reason()).startsWith("influx writer: "));
    }

    private JobClient run(String url, CollectingSink<DeadLetter> dead) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        InfluxWriterPipeline.build(env, new DataGeneratorSource<>(new FromInput(), INPUT.size(), RateLimiterStrategy.perSecond(100),
                        TypeInformation.of(TopicRecord.class)),
                new InfluxLineSink(new InfluxTarget(url, "pilotlight", "pilotlight", "test-token"), 3, Duration.ofMillis(200),
                        Duration.ofMillis(500)),
                dead, 5);
        return env.executeAsync("influx-writer-test");
    }

    /** The series read back once {@code done} holds, or the last read when 20 s pass (the assertions then say what is missing). */
    private static List<VictoriaMetrics.Series> awaitSeries(VictoriaMetrics vm, Predicate<List<VictoriaMetrics.Series>> done) throws Exception {
        List<VictoriaMetrics.Series> last = new ArrayList<>();
        Deadline.in(Duration.ofSeconds(20)).await(() -> {
            last.clear();
            last.addAll(vm.exportOrEmpty("llm_.*"));
            return done.test(last);
        });
        return last;
    }

    private static Optional<VictoriaMetrics.Series> find(List<VictoriaMetrics.Series> all, String name, Map<String, String> tags) {
        return all.stream().filter(s -> s.name().equals(name))
                .filter(s -> tags.entrySet().stream().allMatch(t -> t.getValue().equals(s.labels().get(t.getKey()))))
                .findFirst();
    }

    private static TopicRecord record(String topic, Object value) {
        return TopicRecord.of(topic, JsonCodec.encodeToString(value));
    }

    private static MetricSample window(String dimension, Map<String, String> labels, long start, long calls, long errors) {
        return new MetricSample(1, dimension + ":" + labels.values(), dimension, labels, start, start + 60_000, 0, calls, errors,
                calls == 0 ? null : (double) errors / calls, 120.0, 900.0, 1500.0, calls * 100, calls * 50, calls * 0.01,
                0.01, 0, 0.0, 0, 0.0, 0, calls / 2, 3, 2, 1, 1.0 / 3, 0.5, null);
    }

    /** A tenant's scorecard with every figure computed: its sample carries every field and tag of llm_usage. */
    static dev.pilotlight.common.usage.Scorecard scorecard(long at) {
        var roi = new dev.pilotlight.common.usage.Scorecard.Roi(28, 3, 30_000, 40_000, 1, 12_000, 40_000, 9_000, 38_000, "method");
        return new dev.pilotlight.common.usage.Scorecard(1, "claims-notes", "acme", at, 86_400_000L,
                dev.pilotlight.common.usage.Scorecard.Verdict.ITERATE,
                List.of(), new dev.pilotlight.common.usage.Scorecard.Usage(12, 12.3, 20, 25, 0.49, 1.15, 398, 0, 384, 42, 25, 17),
                new dev.pilotlight.common.usage.Scorecard.Adoption(40, 50, 0.5, 0.5),
                new dev.pilotlight.common.usage.Scorecard.Quality(300, 157, 0.52, 157, 143, 0.52, 0.0, 300, 3.2),
                new dev.pilotlight.common.usage.Scorecard.Value(120_583, 2_183, 0.03, 72_766.0, 10, roi),
                new dev.pilotlight.common.usage.Scorecard.Funnel(at, 25, 22, 20, 18, 7, 0.8, 0.72, 0.28, 0.8, 0.6, 0.2), List.of(),
                List.of("pilot18"), List.of(), List.of(), null);
    }
}
