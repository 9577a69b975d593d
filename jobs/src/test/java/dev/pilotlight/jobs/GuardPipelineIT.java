package dev.pilotlight.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.jobs.ingest.Envelope;
import dev.pilotlight.jobs.ingest.EnvelopeDecoder;
import dev.pilotlight.jobs.ingest.TimeBounds;
import dev.pilotlight.jobs.sink.GuardSinks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The production graph on a real MiniCluster, with a bounded test source and collecting sinks. */
class GuardPipelineIT {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String KEY = "pipeline-test-key-pipeline-test-key!";
    private static final List<Envelope> INPUT = new ArrayList<>();
    private static final List<Envelope> CONTROL = new ArrayList<>();

    /** At parallelism 2 the keyed exchanges, the broadcast to every evaluator and the watermark alignment of both readers are real. */
    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void badReleaseYieldsOneSignedRollbackMetricsAndDeadLettersForMalformedAndLateRecords(int parallelism) throws Exception {
        long t0 = System.currentTimeMillis();
        INPUT.clear();
        CONTROL.clear();
        CONTROL.add(Envelope.of(new ReleaseState(1, "claims-letter", "claims-letter", "1.1.0", "1.0.0", null, 0, 2, t0, "admin", null), t0));
        for (int i = 0; i < 40; i++) { // 200 ms of heartbeats first, so the release state is read before the calls
            INPUT.add(Envelope.of(new dev.pilotlight.common.event.Heartbeat(1, "gw-early", t0 - 1_000 + i, "test", 0, 0, 0, 0,
                    java.util.Map.of()), t0));
        }
        for (int i = 0; i < 40; i++) {
            INPUT.add(Envelope.of(InvocationEvent.builder().eventId("e" + i).timestamp(t0 + i * 50L).gatewayId("gw").tenant("acme")
                    .userId("u" + i % 3).route("claims-letter").promptId("claims-letter").promptVersion("1.1.0").model("sim-model")
                    .latencyMs(100 + i).costUsd(0.01)
                    .status(i % 3 == 0 ? InvocationStatus.ERROR : InvocationStatus.OK).build(), t0));
        }
        INPUT.add(new EnvelopeDecoder(CommandSigner.fromSecret(KEY), TimeBounds.NONE).decode(Topics.INVOCATIONS, 1, 7, null, "{\"oops\":".getBytes(StandardCharsets.UTF_8), t0));
        // two seconds of heartbeats, so the watermark has reached every input of the graph (the feedback branch
        // goes through a keyed exchange and joins again) before the late event comes, even on two loaded cores
        // running every module's operators
        for (int i = 0; i < 400; i++) {
            INPUT.add(Envelope.of(new dev.pilotlight.common.event.Heartbeat(1, "gw-filler", t0 + 2_000 + i * 5L, "test", 0, 0, 0, 0,
                    java.util.Map.of()), t0));
        }
        // ten minutes old: its metrics window closed (plus 5 min of allowed lateness) long ago
        INPUT.add(Envelope.of(InvocationEvent.builder().eventId("late").timestamp(t0 - 600_000).gatewayId("gw").userId("u9")
                .route("claims-letter").promptVersion("1.1.0").build(), t0));

        CollectingSink<Alert> alerts = new CollectingSink<>("alerts");
        CollectingSink<ControlCommand> commands = new CollectingSink<>("commands");
        CollectingSink<DeadLetter> dead = new CollectingSink<>("dead");
        CollectingSink<MetricSample> metrics = new CollectingSink<>("metrics");
        CommandSigner signer = CommandSigner.fromSecret(KEY);
        GuardSettings settings = new GuardSettings(EnumSet.allOf(GuardModule.class), RuleSetLoader.load(Fixtures.ALERT_RULES),
                signer, Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofMinutes(1), Duration.ofMinutes(5), t0, Duration.ofMillis(100));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.getConfig().setAutoWatermarkInterval(10);
        // paced, so watermarks advance between records as they would from Kafka
        GuardPipeline.build(env, ListSource.of("pipeline-input", INPUT, 200), ListSource.of("pipeline-control", CONTROL, 0),
                new GuardSinks(alerts, commands, dead, metrics), settings);
        env.execute("guard-pipeline-test");

        List<Alert> rollback = alerts.values().stream().filter(a -> a.ruleId().equals("rollback-error-rate")).toList();
        assertThat(rollback).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(rollback).extracting(Alert::alertId).containsOnly(rollback.get(0).alertId());
        // the daily dashboard flag (error rate > 2 %) fires too; when the bounded input ends, every window closes
        assertThat(alerts.values()).extracting(Alert::ruleId).contains("daily-error-rate");
        assertThat(commands.values()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
            assertThat(c.param("fromVersion")).isEqualTo("1.1.0");
            assertThat(signer.verify(JsonCodec.encode(c))).isEqualTo(c); // signed on the way out
        });
        assertThat(dead.values()).anySatisfy(d -> {
            assertThat(d.sourceTopic()).isEqualTo(Topics.INVOCATIONS);
            assertThat(d.offset()).isEqualTo(7);
            assertThat(d.reason()).startsWith("malformed JSON for InvocationEvent");
        }).anySatisfy(d -> {
            assertThat(d.reason()).startsWith("late event");
            assertThat(d.payload()).contains("\"eventId\":\"late\"");
        }).hasSize(2);

        long calls = metrics.values().stream().filter(m -> m.dimension().equals("release")).mapToLong(MetricSample::calls).sum();
        assertThat(calls).isEqualTo(40);
        assertThat(metrics.values()).filteredOn(m -> m.dimension().equals("tenant"))
                .allSatisfy(m -> assertThat(m.labels()).containsEntry("tenant", "acme"))
                .extracting(MetricSample::uniqueUsers).allSatisfy(u -> assertThat(u).isBetween(1L, 3L));
        assertThat(metrics.values()).filteredOn(m -> m.dimension().equals("release")).allSatisfy(m -> {
            assertThat(m.labels()).containsEntry("route", "claims-letter").containsEntry("promptVersion", "1.1.0")
                    .containsEntry("variant", "none").containsEntry("model", "sim-model");
            assertThat(m.latencyP95Ms()).isBetween(100.0, 150.0); // 100..139 ms, within the sketch's 6 %
            assertThat(m.costPerCallUsd()).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
        });
    }
}
