package dev.pilotlight.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.jobs.ingest.Envelope;
import dev.pilotlight.jobs.ingest.EnvelopeDecoder;
import dev.pilotlight.jobs.sink.GuardSinks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The production graph on a real MiniCluster, with a bounded test source and collecting sinks. */
class GuardPipelineTest {

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final String KEY = "pipeline-test-key-pipeline-test-key!";
    static final List<Envelope> INPUT = new ArrayList<>();

    /** Serves the static input by index, so the generator stays serialisable. */
    static final class FromInput implements GeneratorFunction<Long, Envelope> {
        @Override
        public Envelope map(Long i) {
            return INPUT.get(i.intValue());
        }
    }

    @Test
    void badReleaseYieldsOneSignedRollbackAFiringAndResolvedAlertAndMalformedRecordsGoToTheDeadLetters() throws Exception {
        long t0 = System.currentTimeMillis();
        INPUT.clear();
        INPUT.add(Envelope.of(new ReleaseState(1, "claims-letter", "claims-letter", "1.1.0", "1.0.0", null, 0, 2, t0, "admin", null), t0));
        for (int i = 0; i < 40; i++) {
            INPUT.add(Envelope.of(InvocationEvent.builder().eventId("e" + i).timestamp(t0 + i * 50L).gatewayId("gw")
                    .userId("u" + i % 3).route("claims-letter").promptId("claims-letter").promptVersion("1.1.0")
                    .status(i % 3 == 0 ? InvocationStatus.ERROR : InvocationStatus.OK).build(), t0));
        }
        INPUT.add(EnvelopeDecoder.decode(Topics.INVOCATIONS, 1, 7, null, "{\"oops\":".getBytes(StandardCharsets.UTF_8), t0));

        CollectingSink<Alert> alerts = new CollectingSink<>("alerts");
        CollectingSink<ControlCommand> commands = new CollectingSink<>("commands");
        CollectingSink<DeadLetter> dead = new CollectingSink<>("dead");
        CommandSigner signer = CommandSigner.fromSecret(KEY);
        GuardSettings settings = new GuardSettings(EnumSet.allOf(GuardModule.class), RuleSetLoader.load(Path.of("../alert-rules")),
                signer, Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(5));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        GuardPipeline.build(env, new DataGeneratorSource<>(new FromInput(), INPUT.size(), TypeInformation.of(Envelope.class)),
                new GuardSinks(alerts, commands, dead), settings);
        env.execute("guard-pipeline-test");

        assertThat(alerts.values()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
        assertThat(alerts.values()).extracting(Alert::alertId).containsOnly(alerts.values().get(0).alertId());
        assertThat(commands.values()).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
            assertThat(c.param("fromVersion")).isEqualTo("1.1.0");
            assertThat(signer.verify(JsonCodec.encode(c))).isEqualTo(c); // signed on the way out
        });
        assertThat(dead.values()).singleElement().satisfies(d -> {
            assertThat(d.sourceTopic()).isEqualTo(Topics.INVOCATIONS);
            assertThat(d.offset()).isEqualTo(7);
            assertThat(d.reason()).startsWith("malformed JSON for InvocationEvent");
        });
    }
}
