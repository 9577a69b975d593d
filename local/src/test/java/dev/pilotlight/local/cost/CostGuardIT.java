package dev.pilotlight.local.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.gateway.Gateway;
import dev.pilotlight.local.rules.RuleSetPublisher;
import dev.pilotlight.local.scenario.RunawayUserScenario;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.local.stack.StackOptions;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost guard end to end: a real broker, the guard job on a MiniCluster with the shipped quotas,
 * and two gateway replicas. A loop is throttled and a used-up quota blocked on both replicas; a quota
 * published at run time degrades a user to the cheap tier on both; a forged cost goes to guard.dlq.
 */
class CostGuardIT {
    private static EmbeddedStack stack;
    private static Gateway second;
    private static Path rules;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        rules = Fixtures.alertRulesWith(dir.resolve("rules"),
                Map.of("quotas.yaml", Files.readString(Fixtures.HOME.resolve("alert-rules/quotas.yaml"))));
        stack = EmbeddedStack.start(new StackOptions(Fixtures.HOME, rules, 0, 0, 0, 11L, 1));
        second = stack.startReplica("gw-cost-2");
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aRunawayLoopIsThrottledAndItsQuotaBlocksItOnBothReplicasWithinTheInFlightBound() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        RunawayUserScenario.Result r = new RunawayUserScenario(stack, RunawayUserScenario.Options.defaults(),
                new PrintStream(log, true, StandardCharsets.UTF_8)).run();
        assertThat(r.passed()).as(log.toString(StandardCharsets.UTF_8)).isTrue();
        assertThat(r.loopToThrottleBothMs()).isLessThan(5_000);
        assertThat(r.looperSpendUsd()).isLessThanOrEqualTo(r.capUsd() + r.inFlightBoundUsd());
        assertThat(r.normalRefused()).isZero();
        Alert warning = TopicReader.find(stack.kafka().bootstrapServers(), Topics.ALERTS, x -> {
            Alert a = JsonCodec.decode(x.value(), Alert.class);
            return "demo-looper-daily".equals(a.ruleId()) && "warning-50".equals(a.labels().get("level"));
        }, Duration.ofSeconds(10)).map(x -> JsonCodec.decode(x.value(), Alert.class)).orElseThrow();
        assertThat(warning.tier()).isEqualTo(3);
        assertThat(warning.value()).isBetween(0.5, 1.0);
    }

    @Test
    void aQuotaPublishedAtRunTimeDegradesTheUserToTheCheapTierOnEveryReplica(@TempDir Path dir) throws Exception {
        String pilot = DemoKeys.PILOT_USERS.get(4); // pilot05, tenant acme
        List<GatewayClient> fleet = List.of(new GatewayClient(stack.gateway().baseUrl()), new GatewayClient(second.baseUrl()));
        for (int i = 0; i < 4; i++) { // the shipped quotas allow this easily
            GatewayClient.Response r = fleet.get(i % 2).invoke("claims-triage", pilot, "Is claim " + i + " covered?");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Pilotlight-Degraded")).isEmpty();
        }
        Path published = Fixtures.alertRulesWith(dir, Map.of("quotas.yaml", Files.readString(rules.resolve("quotas.yaml")) + """
                  - id: pilot05-calls
                    scope: user
                    match: pilot05
                    period: month
                    calls: 6
                    warn_at: [0.5]
                    action: degrade
                """));
        new RuleSetPublisher(stack.kafka().bootstrapServers(), CommandSigner.fromSecret(stack.controlKey())).publish(published, "CostGuardIT");
        int[] sent = {0};
        Deadline.require("pilot05 degraded on both replicas", Duration.ofSeconds(60), () -> {
            fleet.get(sent[0]++ % 2).invoke("claims-triage", pilot, "Is claim " + sent[0] + " covered?");
            return List.of(stack.gateway(), second).stream().allMatch(g -> g.commands().recent().stream()
                    .anyMatch(c -> c.type() == CommandType.DEGRADE_USER && c.target().equals("pilot05")));
        });
        for (GatewayClient replica : fleet) {
            GatewayClient.Response r = replica.invoke("claims-triage", pilot,
                    "Please walk me through every step of appealing the denial of my water damage claim in detail");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().firstValue("X-Pilotlight-Degraded")).contains("quota");
            assertThat(r.text("model")).isEqualTo("sim-mini");
            GatewayClient.Response refused = replica.invoke("claims-letter", pilot, "Draft the appeal letter");
            assertThat(refused.status()).isEqualTo(429);
            assertThat(refused.body().path("error").path("message").asText()).contains("has no cheap tier");
        }
        InvocationEvent degraded = TopicReader.find(stack.kafka().bootstrapServers(), Topics.INVOCATIONS, x -> {
            InvocationEvent e = JsonCodec.decode(x.value(), InvocationEvent.class);
            return "pilot05".equals(e.userId()) && "quota".equals(e.degraded());
        }, Duration.ofSeconds(10)).map(x -> JsonCodec.decode(x.value(), InvocationEvent.class)).orElseThrow();
        assertThat(degraded.modelTier()).isEqualTo("cheap");
        assertThat(degraded.status()).isEqualTo(InvocationStatus.OK);
    }

    @Test
    void aForgedCostGoesToTheDeadLettersAndIsNotCharged() throws Exception {
        long now = System.currentTimeMillis();
        InvocationEvent forged = InvocationEvent.builder().eventId("forged-cost-1").timestamp(now).gatewayId("gw-x").tenant("globex")
                .userId("carol").route("claims-letter").promptVersion("1.0.0").model("sim-model").status(InvocationStatus.OK)
                .inputTokens(10).outputTokens(10).costUsd(5_000).build();
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(Topics.INVOCATIONS, "carol", JsonCodec.encode(forged))).get();
        }
        DeadLetter d = TopicReader.find(stack.kafka().bootstrapServers(), Topics.DLQ,
                x -> JsonCodec.decode(x.value(), DeadLetter.class).reason().startsWith("cost: costUsd 5000.0"), Duration.ofSeconds(30))
                .map(x -> JsonCodec.decode(x.value(), DeadLetter.class)).orElseThrow();
        assertThat(d.reason()).isEqualTo("cost: costUsd 5000.0 is above max_cost_per_call_usd 100.0");
        assertThat(d.key()).isEqualTo("forged-cost-1");
        assertThat(new GatewayClient(stack.gateway().baseUrl()).invoke("claims-letter", DemoKeys.USERS.get(2), "hello").status())
                .isEqualTo(200); // $5,000 would have used up carol's $200 month: it was not summed
    }
}
