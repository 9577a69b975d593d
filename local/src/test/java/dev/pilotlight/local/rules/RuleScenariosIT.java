package dev.pilotlight.local.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.rules.Rule;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleSetUpdate;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.kafka.TopicReader;
import dev.pilotlight.local.rules.RuleSetPublisher;
import dev.pilotlight.local.scenario.AlertWatcher;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.local.stack.LocalGuardJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every rule of the tests' rule set (testkit/fixtures/alert-rules, a copy of the shipped defaults) fires and
 * resolves, on the guard job on a MiniCluster reading
 * a real broker. The scenarios share one event-time line that starts three days ago at midnight UTC
 * (so daily flags have a yesterday and a day that ends); each uses its own route, tenant or user, so each rule's alert is
 * told apart by its labels. The timeline is written before the job starts, a backlog it works through in
 * event time.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RuleScenariosIT {
    private static final long M = 60_000L;
    private static final long H = 60 * M;
    private static final long D = 24 * H;
    /**
     * Three days before the day an hour ago: the timeline ends 20 minutes into its third day, so it ends at least
     * 40 minutes before now (from today's midnight it ran into the future, and the job refuses events more than
     * --max-clock-skew ahead of its clock).
     */
    private static final long T0 = LocalDate.ofInstant(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC).minusDays(3)
            .atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    private static final String KEY = "scenario-test-key-scenario-test-key!";

    private static EmbeddedKafka kafka;
    private static JobClient job;
    private static KafkaProducer<String, byte[]> producer;
    private static AlertWatcher collector;
    private static long timelineEnd;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createContractTopics();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new ByteArraySerializer());
        // the three days are a backlog when the job starts, as after an outage: event time follows the
        // records while there are records to read, and the clock only once every partition is idle
        Timeline t = scenarios();
        t.produce(producer);
        timelineEnd = t.last();
        collector = new AlertWatcher(kafka.bootstrapServers());
        job = LocalGuardJob.start(kafka.bootstrapServers(), Fixtures.ALERT_RULES, Files.createTempDirectory("scenario-"), KEY, 1,
                "--idleness", "5s", "--backlog-idleness", "15s", "--out-of-orderness", "1s", "--max-event-age", "30d"); // the timeline began three days ago
    }

    @AfterAll
    static void stop() throws Exception {
        if (collector != null) {
            collector.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (job != null) {
            LocalGuardJob.cancelAndAwait(job);
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** Which alert shows that a rule fired in its scenario: the rule id and one label that names the scenario. */
    private static final Map<String, Map.Entry<String, String>> EXPECTED = new LinkedHashMap<>();

    private static void expect(String ruleId, String label, String value) {
        EXPECTED.put(ruleId, Map.entry(label, value));
    }

    private static Timeline scenarios() {
        Timeline t = new Timeline(CommandSigner.fromSecret(KEY));
        // rollback triggers (rollback.yaml)
        expect("rollback-error-rate", "route", "r-rb-err");
        for (int i = 0; i < 30; i++) {
            boolean err = i % 2 == 0;
            t.invocation(T0 + 10 * M + i * 1000L, "u-rb-err-" + i % 3, "r-rb-err", "t-a", b -> b.status(err ? InvocationStatus.ERROR : InvocationStatus.OK));
        }
        for (int i = 0; i < 60; i++) { // one user failing every call (abandoned streams, say): evidence from one caller
            t.invocation(T0 + 12 * M + i * 1000L, "u-rb-alone", "r-rb-alone", "t-a", b -> b.status(InvocationStatus.ERROR));
        }
        expect("rollback-latency-p95", "route", "r-rb-lat");
        for (int i = 0; i < 30; i++) {
            t.invocation(T0 + 20 * M + i * 1000L, "u-rb-lat-" + i % 3, "r-rb-lat", "t-a", b -> b.latencyMs(12_000));
        }
        expect("rollback-cost-per-call", "route", "r-rb-cost");
        for (long at = T0; at < T0 + 6 * H; at += 3 * M) { // six hours of 1.0.0 at $0.01 per call
            t.invocation(at, "u-rb-cost", "r-rb-cost", "t-a", b -> b.costUsd(0.01));
            t.invocation(at + 1000, "u-rb-cost", "r-rb-cost", "t-a", b -> b.status(InvocationStatus.ERROR).costUsd(0)); // not in the baseline
        }
        t.release(T0 + 6 * H, "r-rb-cost", "1.1.0", "1.0.0", 2); // 1.1.0 replaces it
        for (int i = 0; i < 45; i++) { // at $0.05 per call: 5x the release it replaced
            t.invocation(T0 + 6 * H + M + i * 20_000L, "u-rb-cost-" + i % 3, "r-rb-cost", "t-a", b -> b.promptVersion("1.1.0").costUsd(0.05));
        }
        // a healthy release judged against a baseline full of zero-cost failures: 1.1.0 costs twice what
        // 1.0.0's successful calls cost (under 3x); counting 1.0.0's failed calls would make it 8x
        for (long at = T0; at < T0 + 6 * H; at += 3 * M) {
            t.invocation(at, "u-rb-cost-ok", "r-rb-cost-ok", "t-a", b -> b.costUsd(0.01));
            for (int k = 1; k <= 3; k++) {
                t.invocation(at + k * 1000L, "u-rb-cost-ok", "r-rb-cost-ok", "t-a", b -> b.status(InvocationStatus.ERROR).costUsd(0));
            }
        }
        t.release(T0 + 6 * H, "r-rb-cost-ok", "1.1.0", "1.0.0", 2);
        for (int i = 0; i < 45; i++) {
            t.invocation(T0 + 6 * H + M + i * 20_000L, "u-rb-cost-ok-" + i % 3, "r-rb-cost-ok", "t-a", b -> b.promptVersion("1.1.0").costUsd(0.02));
        }
        // tier 1
        expect("error-rate-high", "route", "r-err");
        for (int s = 0; s < 600; s++) { // ten minutes at 20 % errors, then sixteen clean ones
            boolean err = s % 5 == 0;
            t.invocation(T0 + 30 * M + s * 1000L, "u-err", "r-err", "t-a", b -> b.status(err ? InvocationStatus.ERROR : InvocationStatus.OK));
        }
        for (int s = 600; s < 600 + 960; s++) {
            t.invocation(T0 + 30 * M + s * 1000L, "u-err", "r-err", "t-a", b -> b);
        }
        expect("gateway-down", "gatewayId", "gw-scenario-1");
        expect("all-gateways-down", "team", "platform");
        t.heartbeat(T0 + M, "gw-scenario-1");
        t.heartbeat(T0 + 2 * M, "gw-scenario-1");
        expect("injection-attempt", "route", "r-inj");
        t.invocation(T0 + 40 * M, "u-inj", "r-inj", "t-a", b -> b.outputFlags(List.of("injection")).injectionScore(0.9));
        expect("rejected-control-command", "sourceTopic", Topics.CONTROL);
        t.rejectedCommand(T0 + 45 * M);
        expect("injection-burst-block-user", "userId", "mallory");
        for (int i = 0; i < 3; i++) {
            t.invocation(T0 + 50 * M + i * M, "mallory", "r-burst", "t-a", b -> b.outputFlags(List.of("injection")).injectionScore(0.9));
        }
        // tier 2
        expect("latency-p95-slow", "route", "r-slow");
        for (long at = T0 + H; at < T0 + H + 25 * M; at += 5000) {
            t.invocation(at, "u-slow", "r-slow", "t-a", b -> b.latencyMs(6000));
        }
        for (long at = T0 + H + 25 * M; at < T0 + H + 45 * M; at += 5000) {
            t.invocation(at, "u-slow", "r-slow", "t-a", b -> b.latencyMs(200));
        }
        expect("cost-spike", "tenant", "t-spike");
        for (long at = T0; at < T0 + 6 * H; at += 3 * M) { // $0.20 an hour
            t.invocation(at, "u-spike", "r-spike", "t-spike", b -> b.costUsd(0.01));
        }
        for (int i = 0; i < 40; i++) { // $0.80 within the next 40 minutes
            t.invocation(T0 + 6 * H + i * M, "u-spike", "r-spike", "t-spike", b -> b.costUsd(0.02));
        }
        expect("thumbs-down-share", "route", "r-fb");
        for (int i = 0; i < 20; i++) {
            t.feedback(T0 + 2 * H + i * 30_000L, "u-fb", "r-fb", i % 2 == 0 ? FeedbackEvent.Rating.DOWN : FeedbackEvent.Rating.UP);
        }
        expect("daily-spend-over-average", "tenant", "t-daily");
        for (int i = 0; i < 30; i++) {
            t.invocation(T0 + i * M, "u-daily", "r-daily-spend", "t-daily", b -> b.costUsd(0.01)); // yesterday $0.30
            t.invocation(T0 + D + 12 * H + i * M, "u-daily", "r-daily-spend", "t-daily", b -> b.costUsd(0.02)); // today $0.60
        }
        // tier 3: the daily dashboard flags
        expect("daily-active-users-drop", "route", "r-dau");
        for (int u = 0; u < 50; u++) {
            t.invocation(T0 + H + u * 10_000L, "u-dau-" + u, "r-dau", "t-a", b -> b);
            if (u < 30) { // 30 of 50 the next day, and the same 30 the day after
                t.invocation(T0 + D + 12 * H + u * 10_000L, "u-dau-" + u, "r-dau", "t-a", b -> b);
                t.invocation(T0 + 2 * D + 12 * H + u * 10_000L, "u-dau-" + u, "r-dau", "t-a", b -> b);
            }
        }
        expect("daily-transactions-spike", "route", "r-tx-up");
        expect("daily-transactions-drop", "route", "r-tx-down");
        for (int i = 0; i < 40; i++) {
            t.invocation(T0 + D + 12 * H + i * M, "u-tx-up", "r-tx-up", "t-a", b -> b);
            t.invocation(T0 + 2 * D + 12 * H + i * M, "u-tx-up", "r-tx-up", "t-a", b -> b);
            t.invocation(T0 + H + i * M, "u-tx-down", "r-tx-down", "t-a", b -> b);
            if (i < 20) {
                t.invocation(T0 + H + i * M, "u-tx-up", "r-tx-up", "t-a", b -> b);
                t.invocation(T0 + D + 12 * H + i * M, "u-tx-down", "r-tx-down", "t-a", b -> b);
                t.invocation(T0 + 2 * D + 12 * H + i * M, "u-tx-down", "r-tx-down", "t-a", b -> b);
            }
        }
        expect("daily-error-rate", "route", "r-d-err");
        expect("daily-latency-p95", "route", "r-d-lat");
        expect("daily-cost-per-call", "route", "r-d-cost");
        for (int i = 0; i < 50; i++) {
            boolean err = i % 10 == 0;
            t.invocation(T0 + 2 * H + i * M, "u-d-err", "r-d-err", "t-a", b -> b.status(err ? InvocationStatus.ERROR : InvocationStatus.OK));
        }
        for (int i = 0; i < 30; i++) {
            t.invocation(T0 + 3 * H + i * M, "u-d-lat", "r-d-lat", "t-a", b -> b.latencyMs(6000));
            t.invocation(T0 + 4 * H + i * M, "u-d-cost", "r-d-cost", "t-a", b -> b.costUsd(0.30));
        }
        // a steady trickle on every partition carries event time (the watermark) to the end
        int n = 0;
        for (long at = T0; at <= T0 + 3 * D + 20 * M; at += 10 * M) { // past the end of day 2 (daily flags decide then)
            t.invocation(at, "clock-" + (n++ % 12), "r-clock", "t-clock", b -> b);
        }
        return t;
    }

    private static List<Alert> alerts() {
        return collector.all().stream().map(AlertWatcher.Seen::alert).toList();
    }

    private static List<Alert> matching(java.util.function.Predicate<Alert> p) {
        return alerts().stream().filter(p).toList();
    }

    private static boolean firedAndResolved(String ruleId, Map.Entry<String, String> label) {
        List<Alert> mine = matching(a -> a.ruleId().equals(ruleId) && label.getValue().equals(a.labels().get(label.getKey())));
        return mine.stream().anyMatch(f -> f.state() == Alert.State.FIRING
                && mine.stream().anyMatch(r -> r.state() == Alert.State.RESOLVED && r.alertId().equals(f.alertId())));
    }

    @Test
    @Order(1)
    void everyRuleFiresAndResolves() throws Exception {
        Set<String> fixture = RuleSetLoader.load(Fixtures.ALERT_RULES).rules().stream().map(Rule::id).collect(Collectors.toCollection(TreeSet::new));
        assertThat(EXPECTED.keySet()).as("every rule of the fixture has a scenario here").containsExactlyInAnyOrderElementsOf(fixture);

        // absence rules: silence in event time (the gateway's last heartbeat was three days ago); it comes
        // back with one heartbeat stamped now
        Deadline.require("gateway-down and all-gateways-down FIRING", Duration.ofSeconds(90), () ->
                !matching(a -> a.ruleId().equals("gateway-down") && a.state() == Alert.State.FIRING).isEmpty()
                        && !matching(a -> a.ruleId().equals("all-gateways-down") && a.state() == Alert.State.FIRING).isEmpty());
        Timeline back = new Timeline(CommandSigner.fromSecret(KEY));
        back.heartbeat(System.currentTimeMillis(), "gw-scenario-1");
        back.produce(producer);

        List<String> missing = new ArrayList<>();
        boolean all = Deadline.in(Duration.ofSeconds(120)).await(() -> {
            missing.clear();
            EXPECTED.forEach((rule, label) -> {
                if (!firedAndResolved(rule, label)) {
                    missing.add(rule + " " + label);
                }
            });
            return missing.isEmpty();
        });
        assertThat(all).as("rules that did not fire and resolve: " + missing + "\nalerts: "
                + alerts().stream().map(a -> a.ruleId() + " " + a.state() + " " + a.labels()).toList()).isTrue();

        // no flapping: one FIRING per episode, every FIRING resolved exactly once
        Map<String, List<Alert.State>> byId = alerts().stream().collect(Collectors.groupingBy(Alert::alertId,
                Collectors.mapping(Alert::state, Collectors.toList())));
        byId.forEach((id, states) -> assertThat(states).as(id).containsOnlyOnce(Alert.State.FIRING));
        assertThat(matching(a -> "r-rb-alone".equals(a.labels().get("route")) && a.ruleId().startsWith("rollback-")))
                .as("one caller's failures are not evidence enough to roll back (min_users)").isEmpty();
        assertThat(matching(a -> "r-rb-cost-ok".equals(a.labels().get("route")) && a.ruleId().equals("rollback-cost-per-call")))
                .as("failed calls do not drag the cost baseline down").isEmpty();

        // the sequence rule's action: a signed BLOCK_USER for mallory (issued: its events are old, so no; see below)
        Alert burst = matching(a -> a.ruleId().equals("injection-burst-block-user") && a.state() == Alert.State.FIRING).get(0);
        assertThat(burst.tier()).isEqualTo(1);
        assertThat(burst.summary()).contains("mallory");
        assertThat(burst.commandId()).as("events three days old decide no command (max decision lag)").isNull();
    }

    @Test
    @Order(2)
    void aThresholdChangedThroughGuardRulesTakesEffectWithoutARestart() throws Exception {
        Path dir = Fixtures.alertRulesWith(Files.createTempDirectory("published-rules-"), Map.of());
        String probe = """
                rules:
                  - id: hot-reload-probe
                    metric: calls
                    group_by: [route]
                    window: 1m
                    op: ">"
                    threshold: %d
                    tier: 2
                    action: {type: PAUSE_ROUTE, for: 5m}
                """;
        Files.writeString(dir.resolve("probe.yaml"), probe.formatted(1000));
        RuleSetPublisher publisher = new RuleSetPublisher(kafka.bootstrapServers(), CommandSigner.fromSecret(KEY));
        RuleSetPublisher.Report first = publisher.publish(dir, "test");
        assertThat(first.applied()).contains("hot-reload-probe added");
        assertThat(first.needRedeploy()).isNotEmpty(); // a first publication lists the compiled-in rules too

        Files.writeString(dir.resolve("probe.yaml"), probe.formatted(5));
        RuleSetPublisher.Report second = publisher.publish(dir, "test");
        assertThat(second.applied()).containsExactly("hot-reload-probe changed");
        assertThat(second.needRedeploy()).isEmpty();

        // calls on a fresh route, with current timestamps, until the new threshold fires
        long start = System.currentTimeMillis();
        int[] sent = {0};
        Deadline.require("hot-reload-probe FIRING under the published threshold", Duration.ofSeconds(60), () -> {
            Timeline t = new Timeline(CommandSigner.fromSecret(KEY));
            t.invocation(Math.max(timelineEnd, start) + sent[0]++ * 100L, "u-hot", "r-hot", "t-a", b -> b);
            try {
                t.produce(producer);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return !matching(a -> a.ruleId().equals("hot-reload-probe")).isEmpty();
        });
        Alert fired = matching(a -> a.ruleId().equals("hot-reload-probe")).get(0);
        assertThat(fired.threshold()).isEqualTo(5);
        assertThat(fired.rulesVersion()).isEqualTo(second.version());
        assertThat(fired.labels()).containsEntry("route", "r-hot");
        // the new rule's action is issued and signed like any other
        Deadline.require("PAUSE_ROUTE command on guard.control", Duration.ofSeconds(20), () ->
                TopicReader.has(kafka.bootstrapServers(), Topics.CONTROL,
                        r -> JsonCodec.decode(r.value(), ControlCommand.class).type() == CommandType.PAUSE_ROUTE));
    }

    @Test
    @Order(3)
    void anInvalidPublishedRuleSetGoesToTheDeadLettersWithFileLineAndReason() throws Exception {
        RuleSetUpdate bad = new RuleSetUpdate(1, "bad", Map.of("broken.yaml", "rules:\n  - id: x\n    metric: error_rate\n    window: soon\n"),
                System.currentTimeMillis(), "test");
        producer.send(new ProducerRecord<>(Topics.RULES, RuleSetUpdate.KEY, JsonCodec.encode(CommandSigner.fromSecret(KEY).sign(bad)))).get();
        Deadline.require("dead letter naming the rule file problem", Duration.ofSeconds(30), () ->
                TopicReader.has(kafka.bootstrapServers(), Topics.DLQ, r -> {
                    DeadLetter d = JsonCodec.decode(r.value(), DeadLetter.class);
                    return d.sourceTopic().equals(Topics.RULES) && d.reason().contains("broken.yaml:4: window 'soon' is not a duration");
                }));
        assertThat(new String(JsonCodec.encode(bad), StandardCharsets.UTF_8)).contains("broken.yaml");
    }
}
