package dev.pilotlight.local.cli;

import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.local.progress.Progress;
import dev.pilotlight.local.scenario.AbTestScenario;
import dev.pilotlight.local.scenario.BadReleaseScenario;
import dev.pilotlight.local.scenario.CanaryScenario;
import dev.pilotlight.local.scenario.DriftScenario;
import dev.pilotlight.local.scenario.RunawayUserScenario;
import dev.pilotlight.local.scenario.AdoptionScenario;
import dev.pilotlight.jobs.usage.UsageSettings;
import dev.pilotlight.local.scenario.ScenarioResult;
import dev.pilotlight.local.scenario.TieredAlertsScenario;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.testkit.LoopbackPorts;
import dev.pilotlight.local.stack.LocalInfluxWriter;
import dev.pilotlight.local.stack.StackOptions;
import org.apache.flink.core.execution.JobClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./pilotlight demo}: starts the embedded stack and runs a scenario (exit 0 only if it
 * passed), or with {@code --keep-running} leaves the stack up for manual use.
 */
@Command(name = "demo", description = "Run the embedded stack (Kafka, Flink MiniCluster, gateway, simulated upstream) and a scenario.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--scenario", defaultValue = "all",
            description = "Scenario: bad-release, tiered-alerts, drift, ab-test, canary, runaway-user, adoption, all (every one, the default) or none.")
    String scenario;

    @Option(names = "--alertmanager", defaultValue = "auto",
            description = "Deliver alerts to Alertmanager: auto (start Debian's prometheus-alertmanager if installed), off, or its URL.")
    String alertmanager;

    @Option(names = "--keep-running", description = "Keep the stack up after the scenario (or without one: --scenario none) until Ctrl-C.")
    boolean keepRunning;

    @Option(names = "--home", defaultValue = ".", description = "Repository root (alert-rules/, examples/prompts/, config/).")
    Path home;

    @Option(names = "--rules", description = "Alert rules the guard job starts with (a directory of *.yaml). Default: alert-rules/ under --home.")
    Path rules;

    @Option(names = "--gateway-port", defaultValue = "8080", description = "Gateway port (0 = any free port). Default ${DEFAULT-VALUE}.")
    int gatewayPort;

    @Option(names = "--upstream-port", defaultValue = "8090", description = "Simulated upstream port. Default ${DEFAULT-VALUE}.")
    int upstreamPort;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Kafka broker port. Default ${DEFAULT-VALUE}.")
    int kafkaPort;

    @Option(names = "--influx-url", description = "Also run the InfluxDB writer job against this InfluxDB v2 write API "
            + "(e.g. http://127.0.0.1:8086; token from INFLUX_TOKEN; org and bucket 'pilotlight').")
    String influxUrl;

    @Option(names = "--rate", defaultValue = "25", description = "Scenario traffic in calls per second. Default ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--experiment-rate", defaultValue = "50", description = "Traffic of the ab-test and canary scenarios in calls per "
            + "second, every answer rated (the horizon stays 1,000 ratings per arm: faster traffic only shortens the wait). Default ${DEFAULT-VALUE}.")
    int experimentRate;

    @Option(names = "--deadline", defaultValue = "60", description = "Seconds the rollback may take before the scenario fails. Default ${DEFAULT-VALUE}.")
    int deadlineSeconds;

    @Option(names = "--drift-control", defaultValue = "40", description = "Seconds of unshifted traffic before the drift scenario's "
            + "shift (the control period must raise nothing). Default ${DEFAULT-VALUE}.")
    int driftControlSeconds;

    @Override
    public Integer call() throws Exception {
        if (!List.of(BadReleaseScenario.NAME, TieredAlertsScenario.NAME, DriftScenario.NAME, AbTestScenario.NAME, CanaryScenario.NAME, RunawayUserScenario.NAME,
                AdoptionScenario.NAME, "all", "none").contains(scenario)) {
            System.err.println("unknown scenario '" + scenario
                    + "' (known: bad-release, tiered-alerts, drift, ab-test, canary, runaway-user, adoption, all, none)");
            return 2;
        }
        if (rate < 1 || rate > 1000 || experimentRate < 1 || experimentRate > 1000) {
            System.err.println("--rate and --experiment-rate must be between 1 and 1000 calls per second");
            return 2;
        }
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("--gateway-port", gatewayPort);
        ports.put("--upstream-port", upstreamPort);
        ports.put("--kafka-port", kafkaPort);
        for (Map.Entry<String, Integer> p : ports.entrySet()) {
            if (p.getValue() != 0 && !LoopbackPorts.isFree(p.getValue())) {
                System.err.println("port " + p.getValue() + " is in use; choose another with " + p.getKey() + " (0 picks a free one)");
                return 2;
            }
        }
        EmbeddedStack stack;
        try (Progress progress = Progress.start("demo", System.err)) {
            progress.phase("starting the embedded stack: Kafka broker, guard job on a Flink MiniCluster, simulated upstream, gateway");
            stack = EmbeddedStack.start(new StackOptions(home, rules == null ? home.resolve("alert-rules") : rules, gatewayPort,
                    upstreamPort, kafkaPort, 42L, 1));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "stack-shutdown"));
        System.err.println("stack up: gateway " + stack.gateway().baseUrl() + ", kafka " + stack.kafka().bootstrapServers()
                + ", upstream " + stack.upstream().baseUrl());
        if (influxUrl != null) {
            try {
                JobClient writer = LocalInfluxWriter.start(stack.kafka().bootstrapServers(), influxUrl,
                        java.nio.file.Files.createTempDirectory("pilotlight-influx-"), System.getenv());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> writer.cancel().join(), "influx-writer-shutdown"));
                System.err.println("InfluxDB writer: guard.metrics, guard.alerts, guard.control, guard.releases and guard.experiments to " + influxUrl);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                stack.close();
                return 2;
            }
        }
        DemoAlerts delivery = DemoAlerts.start(alertmanager, stack, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(delivery::close, "alerts-shutdown"));
        int rc = 0;
        // first: drift needs a route that has seen only its own pilot traffic (the others use claims-letter too)
        if (scenario.equals(DriftScenario.NAME) || scenario.equals("all")) {
            DriftScenario.Result r = new DriftScenario(stack, new DriftScenario.Options(rate, Duration.ofSeconds(driftControlSeconds),
                    Duration.ofSeconds(Math.max(deadlineSeconds, 90))), System.out).run();
            System.out.println(JsonCodec.encodeToString(r));
            rc = r.passed() ? 0 : 1;
        }
        if (rc == 0 && (scenario.equals(BadReleaseScenario.NAME) || scenario.equals("all"))) {
            ScenarioResult r = new BadReleaseScenario(stack,
                    new BadReleaseScenario.Options(rate, 0.3, 20, Duration.ofSeconds(deadlineSeconds)), System.out).run();
            System.out.println(JsonCodec.encodeToString(r));
            rc = r.passed() ? 0 : 1;
        }
        if (rc == 0 && (scenario.equals(TieredAlertsScenario.NAME) || scenario.equals("all"))) {
            TieredAlertsScenario.Result r = new TieredAlertsScenario(stack, Duration.ofSeconds(deadlineSeconds), System.out).run();
            System.out.println(JsonCodec.encodeToString(r));
            rc = r.passed() ? 0 : 1;
        }
        if (rc == 0 && (scenario.equals(AbTestScenario.NAME) || scenario.equals("all"))) {
            AbTestScenario.Result r = new AbTestScenario(stack, new AbTestScenario.Options(experimentRate,
                    Duration.ofSeconds(Math.max(deadlineSeconds, 180))), System.out).run();
            System.out.println(JsonCodec.encodeToString(r));
            rc = r.passed() ? 0 : 1;
        }
        if (rc == 0 && (scenario.equals(CanaryScenario.NAME) || scenario.equals("all"))) {
            CanaryScenario.Result r = new CanaryScenario(stack, new CanaryScenario.Options(experimentRate,
                    Duration.ofSeconds(Math.max(deadlineSeconds, 90))), System.out).run();
            System.out.println(JsonCodec.encodeToString(r));
            rc = r.passed() ? 0 : 1;
        }
        if (rc == 0 && (scenario.equals(RunawayUserScenario.NAME) || scenario.equals("all"))) {
            RunawayUserScenario.Result r = new RunawayUserScenario(stack, new RunawayUserScenario.Options(8,
                    Duration.ofSeconds(Math.max(deadlineSeconds, 30))), System.out).run();
            System.out.println(JsonCodec.encodeToString(r));
            rc = r.passed() ? 0 : 1;
        }
        if (rc == 0 && (scenario.equals(AdoptionScenario.NAME) || scenario.equals("all"))) {
            AdoptionScenario.Result r = new AdoptionScenario(stack, UsageSettings.load(stack.options().usageSettingsFile()), System.out).run();
            System.out.println(JsonCodec.encodeToString(r));
            rc = r.passed() ? 0 : 1;
        }
        delivery.report(System.out);
        if (keepRunning) {
            System.err.println("stack stays up; Ctrl-C to stop. Demo keys (local profile only): user " + DemoKeys.USERS.get(0)
                    + ", admin " + DemoKeys.ADMIN);
            new CountDownLatch(1).await();
        }
        return rc;
    }
}
