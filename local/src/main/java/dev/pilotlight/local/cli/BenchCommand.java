package dev.pilotlight.local.cli;

import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.local.bench.GatewayBenchSettings;
import dev.pilotlight.local.bench.GatewayOverheadBench;
import dev.pilotlight.local.progress.Progress;
import dev.pilotlight.local.scenario.BadReleaseScenario;
import dev.pilotlight.local.scenario.ScenarioResult;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.local.stack.StackOptions;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./pilotlight bench loop --runs 5}: runs bad-release on a fresh stack each time and reports
 * detectToApplyMs (first call that makes the rule true → gateway serving the previous version).
 */
@Command(name = "bench", description = "Benchmarks that print figures (see docs/benchmarks.md).", subcommands = {BenchCommand.SpendCap.class, BenchCommand.Loop.class, BenchCommand.GatewayOverhead.class, BenchCommand.ProviderCall.class,
        BenchCommand.PiiFind.class, BenchCommand.Alerting.class, BenchCommand.Drift.class, BenchCommand.Experiments.class})
final class BenchCommand {

    @Command(name = "gateway", description = "The gateway's added latency and throughput against the simulated upstream.")
    static final class GatewayOverhead implements Callable<Integer> {
        @Option(names = "--rate", defaultValue = "2000", description = "Requests per second. Default ${DEFAULT-VALUE}.")
        int rate;

        @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds per target. Default ${DEFAULT-VALUE}.")
        int seconds;

        @Option(names = "--warmup", defaultValue = "10", description = "Warm-up seconds per target. Default ${DEFAULT-VALUE}.")
        int warmup;

        @Option(names = "--home", defaultValue = ".", description = "Repository root.")
        Path home;

        @Option(names = "--drift-off-too", description = "Then measure a gateway whose routes sample nothing for drift: the drift features' cost, in one run.")
        boolean driftOffToo;

        @Option(names = "--peer", defaultValue = "portkey", description = "portkey: measure Portkey's open-source gateway beside Pilotlight's"
                + " route and model alias (installed with npm on first use); none: Pilotlight's only. Default ${DEFAULT-VALUE}.")
        String peer;

        @Option(names = "--in-flight", defaultValue = "0", description = "Last, start this many calls at once against an upstream that"
                + " answers after --upstream-latency, and read the gateway's threads and memory while they wait (0: skip)."
                + " Each call holds two sockets in the gateway over --upstream-http 1.1 (one over 2) and two in the bench: mind ulimit -n."
                + " Default ${DEFAULT-VALUE}.")
        int inFlight;

        @Option(names = "--in-flight-ramp", converter = DurationArg.class, description = "How long starting the --in-flight calls"
                + " takes (default: about 1,000 a second, at least 3 s). All of them are in flight at once only if it is shorter than"
                + " --upstream-latency.")
        java.time.Duration inFlightRamp;

        @Option(names = "--upstream-latency", defaultValue = "5s", converter = DurationArg.class,
                description = "The upstream's think time for --in-flight. Default ${DEFAULT-VALUE}.")
        java.time.Duration upstreamLatency;

        @Option(names = "--gateway-heap", defaultValue = "192m", description = "The gateway JVM's heap (-Xms and -Xmx). Default ${DEFAULT-VALUE}.")
        String gatewayHeap;

        @Option(names = "--upstream-http", defaultValue = "1.1", description = "How the gateway reaches the simulated provider: 1.1, or 2"
                + " (HTTP/2 without TLS: the calls in flight share a few connections). Default ${DEFAULT-VALUE}.")
        String upstreamHttp;

        @Override
        public Integer call() throws Exception {
            if (rate < 1 || rate > 50_000 || seconds < 1 || warmup < 0) {
                System.err.println("--rate must be 1..50000, --seconds at least 1, --warmup not negative");
                return 2;
            }
            if (!peer.equals("portkey") && !peer.equals("none")) {
                System.err.println("--peer must be portkey or none");
                return 2;
            }
            if (!gatewayHeap.matches("[1-9][0-9]*[mMgG]")) {
                System.err.println("--gateway-heap must be a size such as 256m or 1g");
                return 2;
            }
            if (inFlight < 0 || inFlight > 50_000) {
                System.err.println("--in-flight must be 0..50000");
                return 2;
            }
            if (!upstreamHttp.equals("1.1") && !upstreamHttp.equals("2")) {
                System.err.println("--upstream-http must be 1.1 or 2");
                return 2;
            }
            new GatewayOverheadBench(new GatewayBenchSettings(home.toAbsolutePath(), rate, seconds, warmup, driftOffToo, peer.equals("portkey"),
                    inFlight, inFlightRamp, upstreamLatency, gatewayHeap, upstreamHttp.equals("2")), System.out).run();
            return 0;
        }
    }

    @Command(name = "spend-cap", description = "How far one user's concurrent requests take spend past a daily cap, on one and two replicas.")
    static final class SpendCap implements Callable<Integer> {
        @Option(names = "--cap", defaultValue = "0.01", description = "The daily cap in dollars. Default ${DEFAULT-VALUE}.")
        double cap;

        @Option(names = "--home", defaultValue = ".", description = "Repository root (alert-rules/, examples/prompts/, config/).")
        Path home;

        @Option(names = "--concurrency", defaultValue = "8,32,100", split = ",",
                description = "Concurrent requests per round (at most 120 per replica: the per-user rate limit). Default ${DEFAULT-VALUE}.")
        List<Integer> concurrency;

        @Override
        public Integer call() throws Exception {
            if (cap <= 0 || concurrency.stream().anyMatch(n -> n < 1 || n > 240)) {
                System.err.println("--cap must be above 0 and each --concurrency from 1 to 240");
                return 2;
            }
            new dev.pilotlight.local.bench.SpendCapBench(cap, concurrency, System.out).run(home);
            return 0;
        }
    }

    @Command(name = "alerts", description = "Alert latency under load, and rules+metrics throughput against a plain consumer.")
    static final class Alerting implements Callable<Integer> {
        @Option(names = "--rate", defaultValue = "10000", description = "Background events per second. Default ${DEFAULT-VALUE}.")
        int rate;

        @Option(names = "--seconds", defaultValue = "60", description = "Measured seconds. Default ${DEFAULT-VALUE}.")
        int seconds;

        @Option(names = "--warmup", defaultValue = "20", description = "Warm-up seconds. Default ${DEFAULT-VALUE}.")
        int warmup;

        @Option(names = "--preload", defaultValue = "500000", description = "Events preloaded for the throughput part. Default ${DEFAULT-VALUE}.")
        int preload;

        @Option(names = "--part", defaultValue = "both", description = "latency, throughput or both. Default ${DEFAULT-VALUE}.")
        String part;

        @Option(names = "--modules", defaultValue = "all", description = "Guard modules of the throughput part: all, or a list such as metrics,alerts. Default ${DEFAULT-VALUE}.")
        String modules;

        @Override
        public Integer call() throws Exception {
            if (rate < 5 || seconds < 1 || warmup < 0 || preload < 1) {
                System.err.println("--rate must be at least 5, --seconds and --preload at least 1, --warmup not negative");
                return 2;
            }
            new dev.pilotlight.local.bench.AlertingBench(rate, seconds, warmup, preload, modules, System.out).run(part);
            return 0;
        }
    }

    /** Sequential calls in rounds, the first rounds warming the JIT: the shape of the in-process benchmarks. */
    static final class Rounds {
        @Option(names = "--calls", defaultValue = "3000", description = "Calls per round. Default ${DEFAULT-VALUE}.")
        int calls;

        @Option(names = "--rounds", defaultValue = "5", description = "Rounds (the first ones warm the JIT). Default ${DEFAULT-VALUE}.")
        int rounds;

        interface Bench {
            void run(int calls, int rounds, PrintStream out) throws Exception;
        }

        /** Runs {@code bench} with these options, or refuses them (exit code 2). */
        Integer run(Bench bench) throws Exception {
            if (calls < 1 || rounds < 1) {
                System.err.println("--calls and --rounds must be at least 1");
                return 2;
            }
            try (Progress progress = Progress.start("bench", System.err)) {
                progress.phase(rounds + " rounds of " + calls + " calls, a line per round");
                bench.run(calls, rounds, System.out);
            }
            return 0;
        }
    }

    @Command(name = "provider", description = "CPU and wall time of one provider call: langchain4j versus a bare JDK client.")
    static final class ProviderCall implements Callable<Integer> {
        @Mixin
        Rounds rounds;

        @Override
        public Integer call() throws Exception {
            return rounds.run(dev.pilotlight.local.bench.ProviderCallBench::run);
        }
    }

    @Command(name = "pii", description = "Time of one PII search over the gateway benchmark's request text.")
    static final class PiiFind implements Callable<Integer> {
        @Mixin
        Rounds rounds;

        @Override
        public Integer call() throws Exception {
            return rounds.run(dev.pilotlight.local.bench.PiiFindBench::run);
        }
    }

    @Command(name = "loop", description = "Closed-loop latency of bad-release over several fresh stacks.")
    static final class Loop implements Callable<Integer> {
        @Option(names = "--runs", defaultValue = "5", description = "Number of runs. Default ${DEFAULT-VALUE}.")
        int runs;

        @Option(names = "--rate", defaultValue = "25", description = "Calls per second. Default ${DEFAULT-VALUE}.")
        int rate;

        @Option(names = "--home", defaultValue = ".", description = "Repository root.")
        Path home;

        @Override
        public Integer call() throws Exception {
            if (runs < 1 || runs > 100) {
                System.err.println("--runs must be between 1 and 100");
                return 2;
            }
            DescriptiveStatistics detect = new DescriptiveStatistics();
            DescriptiveStatistics release = new DescriptiveStatistics();
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            try (Progress progress = Progress.start("bench loop", System.err)) {
                for (int i = 1; i <= runs; i++) {
                    progress.phase("run " + i + " of " + runs + ": fresh stack, then scenario bad-release");
                    if (!runOnce(i, quiet, detect, release)) {
                        return 1;
                    }
                }
            }
            System.out.printf("detectToApplyMs over %d runs: median %.0f, max %.0f, min %.0f%n", runs,
                    detect.getPercentile(50), detect.getMax(), detect.getMin());
            System.out.printf("releaseToApplyMs over %d runs: median %.0f, max %.0f%n", runs, release.getPercentile(50), release.getMax());
            return 0;
        }

        private boolean runOnce(int i, PrintStream quiet, DescriptiveStatistics detect, DescriptiveStatistics release) throws Exception {
            {
                try (EmbeddedStack stack = EmbeddedStack.start(new StackOptions(home, home.resolve("alert-rules"), 0, 0, 0, 1000L + i, 1))) {
                    ScenarioResult r = new BadReleaseScenario(stack,
                            new BadReleaseScenario.Options(rate, 0.3, 20, Duration.ofSeconds(60)), quiet).run();
                    System.out.println("run " + i + ": " + JsonCodec.encodeToString(r));
                    if (!r.passed()) {
                        System.err.println("run " + i + " failed: " + r.reason());
                        return false;
                    }
                    detect.addValue(r.detectToApplyMs());
                    release.addValue(r.releaseToApplyMs());
                    return true;
                }
            }
        }
    }

    @Command(name = "drift", description = "False alarms of the drift module: a long stable stream through the guard job with the shipped rules.")
    static final class Drift implements Callable<Integer> {
        @Option(names = "--events", defaultValue = "100000", description = "Stable calls (feedback on half of them). Default ${DEFAULT-VALUE}.")
        int events;

        @Option(names = "--profile", defaultValue = "both", description = "demo (10 s windows), default (1 h windows) or both. Default ${DEFAULT-VALUE}.")
        String profile;

        @Option(names = "--home", defaultValue = ".", description = "Repository root.")
        Path home;

        @Override
        public Integer call() throws Exception {
            if (events < 1000 || !java.util.List.of("demo", "default", "both").contains(profile)) {
                System.err.println("--events must be at least 1000, --profile demo, default or both");
                return 2;
            }
            new dev.pilotlight.local.bench.DriftFalseAlarmBench(home.toAbsolutePath(), events, System.out).run(profile);
            return 0;
        }
    }

    @Command(name = "experiments", description = "The A/B verdict's false-positive rate (A/A), its power, and what peeking would do, by simulation.")
    static final class Experiments implements Callable<Integer> {
        @Option(names = "--experiments", defaultValue = "1000", description = "Simulated experiments per case. Default ${DEFAULT-VALUE}.")
        int experiments;

        @Option(names = "--users", defaultValue = "64", description = "Users per experiment, assigned at a 50% split. Default ${DEFAULT-VALUE}.")
        int users;

        @Option(names = "--base", defaultValue = "0.70", description = "Production's acceptance rate. Default ${DEFAULT-VALUE}.")
        double base;

        @Option(names = "--lift", defaultValue = "0.05", description = "The candidate's lift for the power case. Default ${DEFAULT-VALUE}.")
        double lift;

        @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--experiment-settings", description = "A settings file like the job's --experiment-settings (default: the shipped ones).")
        Path settingsFile;

        @Override
        public Integer call() {
            if (experiments < 10 || users < 2 || base <= 0 || base + lift >= 1 || lift <= 0) {
                System.err.println("--experiments must be at least 10, --users at least 2, and 0 < --base < --base + --lift < 1");
                return 2;
            }
            dev.pilotlight.jobs.experiments.ExperimentSettings settings;
            try {
                settings = settingsFile == null ? dev.pilotlight.jobs.experiments.ExperimentSettings.defaults()
                        : dev.pilotlight.jobs.experiments.ExperimentSettings.load(settingsFile);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            new dev.pilotlight.local.bench.ExperimentVerdictBench(settings, experiments, users, System.out).run(base, lift, seed);
            return 0;
        }
    }
}
