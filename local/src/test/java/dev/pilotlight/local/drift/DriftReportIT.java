package dev.pilotlight.local.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.DriftBaseline;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.local.scenario.DriftScenario;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.local.stack.StackOptions;
import dev.pilotlight.reports.drift.BaselineCapture;
import dev.pilotlight.reports.drift.BaselinePublisher;
import dev.pilotlight.reports.drift.DriftReportData;
import dev.pilotlight.reports.drift.DriftReportWriter;
import dev.pilotlight.reports.drift.DriftSnapshotReader;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift loop on the embedded stack: the demo scenario finds its shift; a baseline pinned from its
 * control period is signed onto guard.drift-baselines and still used after the guard job restarts
 * without state; the report renders from the run's own snapshots.
 */
class DriftReportIT {
    @TempDir
    Path dir;

    @Test
    void theShiftIsFoundThePinnedBaselineSurvivesARestartAndTheReportRenders() throws Exception {
        try (EmbeddedStack stack = EmbeddedStack.start(StackOptions.defaults(Path.of("..")))) {
            long start = System.currentTimeMillis();
            ByteArrayOutputStream log = new ByteArrayOutputStream();
            DriftScenario.Result r = new DriftScenario(stack, new DriftScenario.Options(25, Duration.ofSeconds(40), Duration.ofSeconds(90)),
                    new PrintStream(log, true)).run();
            assertThat(r.passed()).as(log.toString()).isTrue();
            assertThat(r.controlPeriodAlerts()).isZero();
            long shiftAt = start + 40_000;

            String bootstrap = stack.kafka().bootstrapServers();
            DriftSnapshotReader.Snapshots control = new DriftSnapshotReader(bootstrap).read("claims-letter", start, shiftAt - 10_000);
            DriftBaseline pinned = new BaselinePublisher(bootstrap, CommandSigner.fromSecret(stack.controlKey()))
                    .publish(BaselineCapture.of("claims-letter", start, shiftAt - 10_000, Set.of(), control.windows(), "test", System.currentTimeMillis()));
            assertThat(pinned.signature()).isNotBlank();

            stack.restartGuardJobWithoutState();
            long restartedAt = System.currentTimeMillis();
            GatewayClient client = new GatewayClient(stack.gateway().baseUrl());
            // shifted traffic again (longer answers, status questions) at 20 calls/s from the pilot group
            stack.upstream().setDefault(FaultProfile.HEALTHY.withOutputTokens(FaultProfile.HEALTHY.outputTokens() * 3));
            AtomicInteger n = new AtomicInteger();
            ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
            traffic.scheduleAtFixedRate(() -> {
                int i = n.getAndIncrement();
                client.invokeAsync("claims-letter", DemoKeys.PILOT_USERS.get(i % DemoKeys.PILOT_USERS.size()), "Tell the customer that claim "
                        + (7000 + i) + " is still being reviewed by the adjuster and give a short update.");
            }, 0, 50, TimeUnit.MILLISECONDS);
            try {
                Deadline.require("a window after the restart scored against the pinned baseline, its answers drifted", Duration.ofSeconds(90),
                        () -> TopicReader.has(bootstrap, Topics.DRIFT, rec -> {
                            DriftSnapshot s = JsonCodec.decode(rec.value(), DriftSnapshot.class);
                            return s.windowStart() >= restartedAt && s.scores().stream().anyMatch(x -> x.reference().equals("baseline")
                                    && x.feature().equals("output_tokens") && Boolean.TRUE.equals(x.drifted()));
                        }));
            } finally {
                traffic.shutdownNow();
            }

            DriftReportData data = DriftReportData.of("claims-letter", start, System.currentTimeMillis(),
                    new DriftSnapshotReader(bootstrap).read("claims-letter", start, System.currentTimeMillis()));
            assertThat(data.referenceKind()).isEqualTo("baseline");
            assertThat(data.features()).extracting(DriftReportData.FeatureSection::feature).contains("input_topic", "output_tokens", "acceptance");
            assertThat(data.features()).filteredOn(f -> f.feature().equals("output_tokens")).singleElement()
                    .satisfies(f -> assertThat(f.drifted()).isTrue());
            DriftReportWriter.Written w = DriftReportWriter.write(data, dir);
            assertThat(Files.readString(w.markdown())).contains("# Drift report: claims-letter").contains("| output_tokens | output |")
                    .contains("Output drift: ").contains("drift-claims-letter-charts/output_tokens-histograms.png");
            assertThat(Files.readString(w.html())).contains("<table>").contains("data:image/png;base64,").doesNotContain("src=\"drift-");
            assertThat(w.charts()).isNotEmpty().allSatisfy(png -> assertThat(Arrays.copyOf(Files.readAllBytes(png), 4))
                    .containsExactly(0x89, 'P', 'N', 'G'));
            if (System.getProperty("drift.report.copy") != null) { // refreshes the example in docs/ from a real run
                DriftReportWriter.write(data, Path.of(System.getProperty("drift.report.copy")));
            }
        }
    }
}
