package dev.pilotlight.local.bench;

import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.DemoCatalog;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.LoopbackPorts;
import dev.pilotlight.testkit.http.HttpProbe;
import dev.pilotlight.testkit.upstream.FaultProfile;
import dev.pilotlight.testkit.upstream.SimulatedUpstream;
import dev.pilotlight.local.progress.Progress;
import dev.pilotlight.local.bench.peer.OwnClock;
import dev.pilotlight.local.bench.peer.PortkeyGateway;
import dev.pilotlight.local.bench.peer.SideBySide;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The gateway's added latency: the same open-loop load against the simulated upstream directly
 * and through the gateway (all guards on: auth, rate limits, spend reservation, injection scoring,
 * PII redaction and restoration, cache lookup, output checks, event emission to a real broker), in
 * one run. The gateway runs in its own JVM with a fixed heap (192 MB unless told, SerialGC, MALLOC_ARENA_MAX=2, the native heap trimmed every second: docs/configuration.md) so its memory is its own.
 */
public final class GatewayOverheadBench {
    private final int rate;
    private final int seconds;
    private final int warmupSeconds;
    private final Path home;
    private final PrintStream out;

    private final boolean driftOffToo;
    private final boolean peer;
    private final int inFlight;
    private final Duration inFlightRamp;
    private final Duration upstreamLatency;
    /** The gateway JVM's heap, fixed (-Xms = -Xmx), e.g. 512m. */
    private final String heap;
    private final boolean upstreamHttp2;

    public GatewayOverheadBench(GatewayBenchSettings s, PrintStream out) {
        this.home = s.home();
        this.heap = s.heap();
        this.inFlight = s.inFlight();
        this.inFlightRamp = s.inFlightRamp() != null ? s.inFlightRamp() : Duration.ofMillis(Math.max(3000, s.inFlight()));
        this.upstreamLatency = s.upstreamLatency();
        this.peer = s.peer();
        this.driftOffToo = s.driftOffToo();
        this.rate = s.rate();
        this.seconds = s.seconds();
        this.warmupSeconds = s.warmupSeconds();
        this.upstreamHttp2 = s.upstreamHttp2();
        this.out = out;
    }

    public void run() throws Exception {
        Path work = Files.createTempDirectory("pilotlight-bench-");
        try (Progress progress = Progress.start("bench gateway", System.err)) {
            progress.phase("starting the broker, the simulated upstream and the gateway (own JVM)");
            run(work, progress);
        }
    }

    private void run(Path work, Progress progress) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"), true, 0);
             SimulatedUpstream upstream = SimulatedUpstream.start(0, 1L, 32)) {
            kafka.createContractTopics();
            upstream.setDefault(new FaultProfile(0, 500, 0, 0, 40)); // answers at once: what is left is overhead
            Process gw = startGateway(work, kafka.bootstrapServers(), upstream, catalog(work));
            try {
                String gatewayUrl = "http://127.0.0.1:" + port + "/v1/chat/completions";
                Deadline.require("gateway answering", Duration.ofSeconds(60), () -> HttpProbe.ok("http://127.0.0.1:" + port + "/readyz"));
                OpenLoopLoad load = new OpenLoopLoad(progress);
                String direct = upstream.baseUrl() + "/chat/completions";
                List<OpenLoopLoad.Result> results = new ArrayList<>();
                load.run("warm-up direct", rate, warmupSeconds, i -> OpenLoopLoad.post(direct, null, body("sim-model", i)));
                // what the load and the upstream alone cost: the part of the machine the gateway cannot have
                ThreadCpuTimeline directCpu = ThreadCpuTimeline.overall("self");
                results.add(load.run("direct", rate, seconds, i -> OpenLoopLoad.post(direct, null, body("sim-model", i))));
                printCpu("bench process during the direct phase (load, upstream, idle broker)", directCpu);
                long primaryBefore = upstream.callsForModel("sim-model");
                long fallbackBefore = upstream.callsForModel("sim-claude");
                OpenLoopLoad.Result cold = load.run("warm-up gateway", rate, warmupSeconds,
                        i -> OpenLoopLoad.post(gatewayUrl, key(i), body("claims-letter", i)));
                progress.note(String.format("warm-up gateway: %d calls, %d failed; the upstream answered %d for the primary model, %d for the fallback",
                        cold.sent(), cold.failed(), upstream.callsForModel("sim-model") - primaryBefore,
                        upstream.callsForModel("sim-claude") - fallbackBefore));
                // where the CPU goes while the gateway is measured: the gateway's threads, and this process's
                // (load generator, upstream, broker)
                ThreadCpuTimeline gatewayCpu = ThreadCpuTimeline.overall(String.valueOf(gw.pid()));
                ThreadCpuTimeline benchCpu = ThreadCpuTimeline.overall("self");
                results.add(load.run("gateway", rate, seconds, i -> OpenLoopLoad.post(gatewayUrl, key(i), body("claims-letter", -i - 1))));
                report(results, gw.pid());
                printCpu("gateway process", gatewayCpu);
                printCpu("bench process (load, upstream, broker)", benchCpu);
                sideBySide(work, progress, load, results.get(0), gw.pid(), gatewayUrl, upstream);
                if (inFlight > 0) {
                    inFlight(progress, upstream, gw.pid(), gatewayUrl);
                }
                if (driftOffToo) {
                    gw.destroy();
                    gw.waitFor();
                    progress.phase("starting a gateway whose routes sample nothing for drift");
                    gw = startGateway(work, kafka.bootstrapServers(), upstream, catalogWithoutDrift(work));
                    Deadline.require("gateway answering", Duration.ofSeconds(60), () -> HttpProbe.ok("http://127.0.0.1:" + port + "/readyz"));
                    String offUrl = "http://127.0.0.1:" + port + "/v1/chat/completions";
                    load.run("warm-up no-drift", rate, warmupSeconds, i -> OpenLoopLoad.post(offUrl, key(i), body("claims-letter", i + 1_000_000_000L)));
                    ThreadCpuTimeline offCpu = ThreadCpuTimeline.overall(String.valueOf(gw.pid()));
                    OpenLoopLoad.Result off = load.run("no-drift", rate, seconds, i -> OpenLoopLoad.post(offUrl, key(i), body("claims-letter", -i - 1_000_000_000L)));
                    results.add(off);
                    report(results, gw.pid());
                    printCpu("gateway process without drift sampling", offCpu);
                    OpenLoopLoad.Result on = results.get(1);
                    out.printf("drift features' cost (gateway with sampling minus without): p50 %.3f ms, p99 %.3f ms%n",
                            (on.micros().getValueAtPercentile(50) - off.micros().getValueAtPercentile(50)) / 1000.0,
                            (on.micros().getValueAtPercentile(99) - off.micros().getValueAtPercentile(99)) / 1000.0);
                }
            } finally {
                gw.destroy();
                gw.waitFor();
                reportGatewayLog(work.resolve("gateway.log"));
            }
        }
    }

    /**
     * Says how many warnings and errors the gateway logged, and where: a problem the figures do not show (a
     * listener's exception, a call never answered) shows there first.
     */
    private void reportGatewayLog(Path log) throws IOException {
        if (!Files.exists(log)) {
            return;
        }
        Map<String, Long> byLevel;
        try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
            // lines read "HH:mm:ss.SSS LEVEL logger - message" (local/src/main/resources/log4j2.xml)
            byLevel = lines.filter(l -> l.length() >= 18 && (l.startsWith("WARN", 13) || l.startsWith("ERROR", 13)))
                    .collect(Collectors.groupingBy(l -> l.substring(13, 18).trim(), TreeMap::new, Collectors.counting()));
        }
        out.printf("gateway log (WARN and above): %s; %s%n", byLevel.isEmpty() ? "nothing" : byLevel, log);
    }

    private int port;

    private void inFlight(Progress progress, SimulatedUpstream upstream, long gatewayPid, String gatewayUrl)
            throws IOException, InterruptedException {
        upstream.setDefault(new FaultProfile(0, 500, upstreamLatency.toMillis(), 0, 40));
        long primary = upstream.callsForModel("sim-model");
        long fallback = upstream.callsForModel("sim-claude");
        Duration ramp = inFlightRamp;
        try {
            OwnClock own = new OwnClock("http://127.0.0.1:" + port + "/metrics", DemoKeys.METRICS);
            InFlightLoad.Result r = InFlightLoad.run(progress, inFlight, ramp, gatewayPid, own::inFlight,
                    i -> InFlightLoad.post(gatewayUrl, key(i), body("claims-letter", i + 500_000_000_000L)));
            out.printf("calls in flight: %d calls started over %.1f s through a route with every guard, upstream answering after %d ms:"
                    + " %d answered, %d failed; latency p50 %d ms, max %d ms; at most %d in flight at once (the gateway's gauge, less"
                    + " its scrape); gateway threads %d idle, %d at most; RSS at most %d MB;"
                    + " upstream calls: %d to the primary, %d to the (translated, thread-per-call) fallback%n",
                    r.calls(), ramp.toMillis() / 1000.0, upstreamLatency.toMillis(), r.ok(), r.failed(), r.p50Ms(), r.maxMs(),
                    r.peakInFlight() - 1, r.idleGatewayThreads(), r.peakGatewayThreads(), r.peakRssMb(), upstream.callsForModel("sim-model") - primary,
                    upstream.callsForModel("sim-claude") - fallback);
            if (r.firstFailure() != null) {
                out.println("first failure: " + r.firstFailure());
            }
            if (upstreamHttp2) {
                out.printf("the gateway's HTTP/2 connections to the upstream, all phases: %d%n", upstream.h2cConnections());
            }
            out.println("connections the gateway closed for late headers or body, all phases: " + own.edgeTimeouts());
        } finally {
            upstream.setDefault(new FaultProfile(0, 500, 0, 0, 40));
        }
    }

    private void sideBySide(Path work, Progress progress, OpenLoopLoad load, OpenLoopLoad.Result direct, long gatewayPid, String gatewayUrl,
                            SimulatedUpstream upstream) throws IOException, InterruptedException {
        SideBySide table = new SideBySide(progress, load, rate, seconds, warmupSeconds, 8);
        long fallbackBefore = upstream.callsForModel("sim-claude");
        OwnClock own = new OwnClock("http://127.0.0.1:" + port + "/metrics", DemoKeys.METRICS);
        table.measure(new SideBySide.Target("pilotlight, route (every guard)", gatewayPid,
                i -> OpenLoopLoad.post(gatewayUrl, key(i), body("claims-letter", i + 100_000_000_000L)), own), direct);
        table.measure(new SideBySide.Target("pilotlight, model alias", gatewayPid,
                i -> OpenLoopLoad.post(gatewayUrl, key(i), body("sim-model", i + 200_000_000_000L)), own), direct);
        if (!peer) {
            table.print(out);
            fallbackNote(upstream.callsForModel("sim-claude") - fallbackBefore);
            return;
        }
        progress.phase("installing (once) and starting the Portkey gateway " + PortkeyGateway.VERSION);
        try (PortkeyGateway portkey = PortkeyGateway.start(work)) {
            java.util.Map<String, String> headers = PortkeyGateway.headers(upstream.baseUrl());
            table.measure(new SideBySide.Target("portkey " + PortkeyGateway.VERSION + " (plain proxy)", portkey.pid(),
                    i -> OpenLoopLoad.postWithHeaders(portkey.chatUrl(), headers, body("sim-model", i + 300_000_000_000L)), null), direct);
        } catch (IOException e) {
            out.println("peer not measured: " + e.getMessage());
        }
        table.print(out);
        fallbackNote(upstream.callsForModel("sim-claude") - fallbackBefore);
    }

    /** A route's answers from its fallback would measure the translated path, not the one under test: say so. */
    private void fallbackNote(long fallbackCalls) {
        out.println(fallbackCalls == 0 ? "every route call was answered by its primary model"
                : "WARNING: " + fallbackCalls + " route calls were answered by the fallback (sim-claude, translated): the primary failed"
                        + " or its breaker opened; see the gateway log");
    }

    private void printCpu(String what, ThreadCpuTimeline cpu) {
        if (cpu != null) {
            cpu.close();
            cpu.busiest(8).values().forEach(line -> out.printf("CPU, %s, ms/s: %s%n", what, line));
        }
    }

    /** The local catalog with every route's drift sampling set to 0 (the schemas it names copied beside it). */
    private Path catalogWithoutDrift(Path work) throws IOException {
        return DemoCatalog.copy(home, work.resolve("no-drift"), text -> text.replaceAll("(?m)^(\\s+sample:)\\s*[0-9.]+", "$1 0"));
    }

    /**
     * The local catalog, with the providers' timeout raised above --upstream-latency when the in-flight phase's
     * upstream is slower than it allows (10 s): a wait, not a failure, is what that phase measures.
     */
    private Path catalog(Path work) throws IOException {
        long seconds = upstreamLatency.toSeconds() * 2;
        if (inFlight == 0 || seconds <= 10) {
            return home.resolve("config/catalog.local.yaml");
        }
        return DemoCatalog.copy(home, work.resolve("slow-upstream"), DemoCatalog.providerTimeout(seconds + "s"));
    }

    private Process startGateway(Path work, String bootstrap, SimulatedUpstream upstream, Path catalog) throws IOException {
        port = LoopbackPorts.free();
        Path props = work.resolve("gateway.properties");
        Files.writeString(props, String.join("\n",
                "pilotlight.gateway.id=gw-bench",
                "pilotlight.gateway.port=" + port,
                "pilotlight.gateway.http-threads=64",
                "pilotlight.kafka.bootstrap=" + bootstrap,
                "pilotlight.prompts.dir=" + home.resolve("examples/prompts"),
                "pilotlight.api-keys.file=" + home.resolve("config/api-keys.local.yaml"),
                "pilotlight.catalog.file=" + catalog,
                "pilotlight.events.spool-dir=" + work.resolve("spool"),
                "pilotlight.audit.file=" + work.resolve("audit.log"),
                "pilotlight.limits.user-per-minute=1000000",
                "pilotlight.limits.ip-per-minute=10000000",
                "pilotlight.limits.user-daily-usd=0",
                "pilotlight.gateway.max-connections=20000",
                "pilotlight.gateway.max-connections-per-address=20000",
                "pilotlight.control.key=bench-key-bench-key-bench-key-bench-key") + "\n");
        List<String> cmd = new ArrayList<>();
        // e.g. -Dbench.gateway-cpus=1 (with the bench itself under `taskset -c 0`): the gateway on a core of its own
        String cpus = System.getProperty("bench.gateway-cpus", "").trim();
        if (!cpus.isEmpty()) {
            cmd.addAll(List.of("taskset", "-c", cpus));
        }
        // e.g. PILOTLIGHT_GATEWAY_JVM_OPTS="-XX:StartFlightRecording=filename=/tmp/gw.jfr,settings=profile" to profile it
        // (or -Dbench.gateway-jvm-opts=... for one option); naming a collector there replaces the bench's SerialGC
        String extra = System.getenv().getOrDefault("PILOTLIGHT_GATEWAY_JVM_OPTS", System.getProperty("bench.gateway-jvm-opts", "")).trim();
        // e.g. PILOTLIGHT_GATEWAY_JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java: the gateway alone on a newer JDK
        String java = System.getenv().getOrDefault("PILOTLIGHT_GATEWAY_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(java, "-Xmx" + heap, "-Xms" + heap,
                "-Dsun.net.httpserver.nodelay=true"));
        if (!extra.matches(".*-XX:\\+Use\\w+GC.*")) {
            cmd.add("-XX:+UseSerialGC"); // as docs/configuration.md recommends for a replica
        }
        if (!extra.contains("TrimNativeHeapInterval")) {
            // and this: glibc keeps what the JIT's compilations freed (tens of MB) unless told to give it back
            cmd.addAll(List.of("-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=1000"));
        }
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        out.println("gateway JVM: " + String.join(" ", cmd.subList(cpus.isEmpty() ? 0 : 3, cmd.size())));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.pilotlight.gateway.Gateway", props.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(upstreamHttp2 ? upstream.catalogVariablesHttp2() : upstream.catalogVariables());
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // glibc's arenas per thread: docs/configuration.md
        pb.environment().putIfAbsent("PILOTLIGHT_LOG_LEVEL", "WARN"); // the launcher's default (errors only) hid a lost-call bug
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("gateway.log").toFile()));
        return pb.start();
    }

    private static String key(long i) {
        return DemoKeys.USERS.get((int) (Math.abs(i) % DemoKeys.USERS.size()));
    }

    /** A realistic claims request with personal data in it (so the PII guard works on every call); unique, so no cache hits. */
    private static String body(String model, long i) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Claim " + i
                + ": rear-end collision on I-35, claimant jane.doe@example.com, phone +1 415-555-0132, policy clause 4.2 applies;"
                + " draft an approval letter for the repair estimate of $2,350.\"}]}";
    }

    private void report(List<OpenLoopLoad.Result> results, long gatewayPid) throws IOException {
        out.printf("rate %d req/s, %d s measured after %d s warm-up, 2 cores shared by load generator, broker, upstream and gateway;"
                + " gateway to upstream over %s%n", rate, seconds, warmupSeconds, upstreamHttp2 ? "HTTP/2 (h2c)" : "HTTP/1.1");
        out.printf("%-8s %9s %8s %7s %9s %9s %9s %9s%n", "target", "sent", "ok", "failed", "rps", "p50 ms", "p99 ms", "max ms");
        for (OpenLoopLoad.Result r : results) {
            out.printf("%-8s %9d %8d %7d %9.0f %9.3f %9.3f %9.3f%n", r.name(), r.sent(), r.ok(), r.failed(), r.rps(),
                    r.micros().getValueAtPercentile(50) / 1000.0, r.micros().getValueAtPercentile(99) / 1000.0,
                    r.micros().getMaxValue() / 1000.0);
        }
        OpenLoopLoad.Result d = results.get(0);
        OpenLoopLoad.Result g = results.get(1);
        out.printf("gateway added latency: p50 %.3f ms, p99 %.3f ms, max %.3f ms%n",
                (g.micros().getValueAtPercentile(50) - d.micros().getValueAtPercentile(50)) / 1000.0,
                (g.micros().getValueAtPercentile(99) - d.micros().getValueAtPercentile(99)) / 1000.0,
                (g.micros().getMaxValue() - d.micros().getMaxValue()) / 1000.0);
        Path status = Path.of("/proc/" + gatewayPid + "/status");
        if (Files.exists(status)) {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM") || line.startsWith("VmRSS")) {
                    out.println("gateway process " + line.replaceAll("\\s+", " "));
                }
            }
        }
    }
}
