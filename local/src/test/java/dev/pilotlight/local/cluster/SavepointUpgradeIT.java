package dev.pilotlight.local.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.local.rules.Timeline;
import dev.pilotlight.local.scenario.AlertWatcher;
import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade on the standalone cluster as an operator does it (docs/operations.md, "Upgrading the guard
 * job"): {@code flink stop} with a savepoint while a bad release keeps failing, new rule files (a sequence
 * rule removed, a threshold rule added), {@code flink run -s ... --allowNonRestoredState}. Open episodes
 * go on: no second FIRING, no second rollback; a partial sequence match started before completes after.
 */
class SavepointUpgradeIT {
    private static final String KEY = "savepoint-upgrade-test-key-savepoint!";
    private static final String RETIRED = """
            rules:
              - id: upgrade-retired
                kind: sequence
                stream: invocations
                pattern: count
                first:
                  - {field: route, op: "==", value: r-retired}
                times: 2
                within: 10m
                group_by: [userId]
                tier: 3
            """;
    private static final String QUICK_ROLLBACK = """
            rules:
              - id: upgrade-errors
                metric: error_rate
                group_by: [route, promptId, promptVersion]
                window: 10s
                op: ">"
                threshold: 0.10
                min_samples: 10
                min_users: 3
                tier: 2
            """;

    @TempDir
    Path dir;

    private Path rules(String name, String extraFile, String extra) {
        return Fixtures.alertRulesWith(dir.resolve(name), Map.of("quick-rollback.yaml", QUICK_ROLLBACK, extraFile, extra));
    }

    @Test
    void openEpisodesAndPartialMatchesSurviveASavepointUpgradeThatChangesTheRules() throws Exception {
        Path jar = Path.of(System.getProperty("pilotlight.jobs.jar", "../jobs/target/pilotlight-jobs-0.1.0-SNAPSHOT-flink.jar"));
        Path lib = Path.of(System.getProperty("pilotlight.flink.lib", "../flink-cluster/target/lib"));
        assertThat(jar).as("the shaded jar (./mvnw package -pl jobs -am)").exists();
        Path v1 = rules("rules-v1", "retired.yaml", RETIRED);
        Path v2 = rules("rules-v2", "added.yaml", Fixtures.probeRule("upgrade-probe", "r-probe"));
        ScheduledExecutorService traffic = Executors.newSingleThreadScheduledExecutor();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             FlinkSessionCluster flink = FlinkSessionCluster.start(lib, dir, 2);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
             AlertWatcher alerts = new AlertWatcher(kafka.bootstrapServers())) {
            kafka.createContractTopics();
            List<String> common = List.of("--bootstrap", kafka.bootstrapServers(), "--idleness", "1s", "--checkpoint-interval", "5s");
            Map<String, String> env = Map.of("PILOTLIGHT_CONTROL_KEY", KEY);
            String first = flink.submit(jar, null, args(common, v1), env);
            Deadline.require("the first job running", Duration.ofSeconds(60), () -> running(flink, first));

            Timeline t = new Timeline(CommandSigner.fromSecret(KEY));
            long now = System.currentTimeMillis();
            t.release(now, "r-upgrade", "1.0.0", null, 1);
            t.release(now + 1, "r-upgrade", "1.1.0", "1.0.0", 2);
            for (int i = 0; i < 2; i++) { // two of the three injections that make a burst
                t.invocation(now + 2 + i, "mallory-up", "r-inj", "acme", b -> b.outputFlags(List.of("injection")));
            }
            t.produce(producer);
            // the bad release fails 30 % of its calls, from four users, before, during and after the upgrade
            AtomicInteger n = new AtomicInteger();
            traffic.scheduleAtFixedRate(() -> {
                int i = n.getAndIncrement();
                Timeline call = new Timeline(CommandSigner.fromSecret(KEY));
                call.invocation(System.currentTimeMillis(), "user-" + i % 4, "r-upgrade", "acme", b -> b.promptVersion("1.1.0")
                        .status(i % 10 < 3 ? InvocationStatus.ERROR : InvocationStatus.OK));
                produce(call, producer);
            }, 0, 100, TimeUnit.MILLISECONDS);
            Deadline.require("upgrade-errors and rollback-error-rate FIRING on r-upgrade", Duration.ofSeconds(60), () ->
                    firing(alerts, "upgrade-errors") && firing(alerts, "rollback-error-rate"));

            String savepoint = flink.stopWithSavepoint(first, dir.resolve("savepoints"));
            String second = flink.submitFromSavepoint(jar, args(common, v2), env, savepoint);
            Deadline.require("the upgraded job running", Duration.ofSeconds(60), () -> running(flink, second));

            Timeline after = new Timeline(CommandSigner.fromSecret(KEY));
            after.invocation(System.currentTimeMillis(), "mallory-up", "r-inj", "acme", b -> b.outputFlags(List.of("injection")));
            after.produce(producer);
            int[] sent = {0};
            Deadline.require("the added rule in force and the restored partial match completed", Duration.ofSeconds(60), () -> {
                Timeline probe = new Timeline(CommandSigner.fromSecret(KEY));
                probe.invocation(System.currentTimeMillis(), "user-" + sent[0]++, "r-probe", "acme", b -> b);
                produce(probe, producer);
                return alerts.first(a -> a.ruleId().equals("upgrade-probe")).isPresent()
                        && alerts.first(a -> a.ruleId().equals("injection-burst-block-user")
                        && "mallory-up".equals(a.labels().get("userId"))).isPresent();
            });
            traffic.shutdownNow();
            Deadline.require("upgrade-errors RESOLVED once the release stops failing", Duration.ofSeconds(60), () ->
                    alerts.first(a -> a.ruleId().equals("upgrade-errors") && a.state() == Alert.State.RESOLVED).isPresent());

            List<Alert> upgradeRoute = alerts.all().stream().map(AlertWatcher.Seen::alert)
                    .filter(a -> "r-upgrade".equals(a.labels().get("route")))
                    .filter(a -> a.tier() < 3) // the tier-3 daily rules judge at UTC midnight, which a run may cross
                    .toList();
            Map<String, List<Alert.State>> byEpisode = upgradeRoute.stream().collect(Collectors.groupingBy(a -> a.ruleId() + " " + a.alertId(),
                    Collectors.mapping(Alert::state, Collectors.toList())));
            assertThat(byEpisode.keySet()).as("one episode per rule across the upgrade: %s", byEpisode).hasSize(2);
            byEpisode.forEach((episode, states) -> assertThat(states).as(episode).containsOnlyOnce(Alert.State.FIRING)
                    .startsWith(Alert.State.FIRING));
            assertThat(byEpisode.entrySet()).filteredOn(e -> e.getKey().startsWith("upgrade-errors")).singleElement()
                    .satisfies(e -> assertThat(e.getValue()).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED));
            Set<String> rollbacks = TopicReader.all(kafka.bootstrapServers(), Topics.CONTROL).stream()
                    .map(r -> JsonCodec.decode(r.value(), ControlCommand.class))
                    .filter(c -> c.type() == CommandType.ROLLBACK_PROMPT && "r-upgrade".equals(c.target()))
                    .map(ControlCommand::commandId).collect(Collectors.toSet());
            assertThat(rollbacks).as("one rollback decision").hasSize(1);
            assertThat(flink.jobState(second)).isEqualTo("RUNNING");
        } finally {
            traffic.shutdownNow();
        }
    }

    private static List<String> args(List<String> common, Path rules) {
        List<String> a = new java.util.ArrayList<>(common);
        a.addAll(List.of("--rules", rules.toAbsolutePath().toString()));
        return a;
    }

    private static boolean firing(AlertWatcher alerts, String ruleId) {
        return alerts.first(a -> a.ruleId().equals(ruleId) && a.state() == Alert.State.FIRING && "r-upgrade".equals(a.labels().get("route")))
                .isPresent();
    }

    private static boolean running(FlinkSessionCluster flink, String job) {
        try {
            return flink.jobState(job).equals("RUNNING");
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void produce(Timeline t, KafkaProducer<String, byte[]> producer) {
        try {
            t.produce(producer);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
