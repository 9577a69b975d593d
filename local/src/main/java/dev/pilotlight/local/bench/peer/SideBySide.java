package dev.pilotlight.local.bench.peer;

import dev.pilotlight.local.bench.OpenLoopLoad;
import dev.pilotlight.local.bench.ThreadCpuTimeline;
import dev.pilotlight.local.progress.Progress;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Gateways measured one after another in the same run, under the same load, against the same
 * upstream: CPU per request (the process's own CPU time over the requests it answered) at a fixed
 * rate and at saturation, added latency at the fixed rate against the upstream alone, requests per
 * second at saturation (closed loop, as wrk drives it), and resident memory.
 */
public final class SideBySide {
    /** A gateway process under measurement; {@code request} builds request n (each one unique, so nothing is cached). */
    /** @param ownClock the gateway's own account of its time, or null for a gateway that keeps none */
    public record Target(String name, long pid, LongFunction<okhttp3.Request> request, OwnClock ownClock) {}

    private record Row(String name, double cpuFixedMicros, double p50Added, double p99Added, double ownP50, double ownP99, double ownWithin1Ms, long rssMb,
                       double satRps, double cpuSatMicros, long failed, String satThreads, double allocFixedKb, double allocSatKb,
                       double samplerFixedMicros, double samplerSatMicros) {}

    private final Progress progress;
    private final OpenLoopLoad load;
    private final int rate;
    private final int seconds;
    private final int warmup;
    private final int connections;
    private final List<Row> rows = new ArrayList<>();

    public SideBySide(Progress progress, OpenLoopLoad load, int rate, int seconds, int warmup, int connections) {
        this.progress = progress;
        this.load = load;
        this.rate = rate;
        this.seconds = seconds;
        this.warmup = warmup;
        this.connections = connections;
    }

    public void measure(Target t, OpenLoopLoad.Result direct) throws IOException, InterruptedException {
        load.closeIdleConnections();
        load.run("warm-up " + t.name(), rate, warmup, t.request());
        OwnClock.Reading own0 = read(t);
        long c0 = ProcessUsage.cpuNanos(t.pid());
        OpenLoopLoad.Result fixed = load.run(t.name() + " at " + rate + " req/s", rate, seconds, i -> t.request().apply(i + 2_000_000_000L));
        long c1 = ProcessUsage.cpuNanos(t.pid());
        OwnClock.Reading own1 = read(t);
        long rss = ProcessUsage.rssMb(t.pid());
        load.closeIdleConnections();
        ThreadCpuTimeline threads = ThreadCpuTimeline.overall(String.valueOf(t.pid()));
        ClosedLoopLoad.Result sat = ClosedLoopLoad.run(progress, t.name() + " saturated", connections, seconds,
                i -> t.request().apply(i + 4_000_000_000L));
        long c2 = ProcessUsage.cpuNanos(t.pid());
        OwnClock.Reading own2 = read(t);
        String satThreads = "";
        if (threads != null) {
            threads.close();
            satThreads = threads.perCall(8, sat.ok());
        }
        rows.add(new Row(t.name(), (c1 - c0) / 1e3 / Math.max(1, fixed.ok()),
                (fixed.micros().getValueAtPercentile(50) - direct.micros().getValueAtPercentile(50)) / 1000.0,
                (fixed.micros().getValueAtPercentile(99) - direct.micros().getValueAtPercentile(99)) / 1000.0,
                OwnClock.boundMs(own0.buckets(), own1.buckets(), 0.50), OwnClock.boundMs(own0.buckets(), own1.buckets(), 0.99),
                OwnClock.shareWithin(own0.buckets(), own1.buckets(), 1.0), rss, sat.rps(), (c2 - c1) / 1e3 / Math.max(1, sat.ok()), fixed.failed() + sat.failed(), satThreads,
                perCall(own0.allocatedBytes(), own1.allocatedBytes(), fixed.ok()) / 1024,
                perCall(own1.allocatedBytes(), own2.allocatedBytes(), sat.ok()) / 1024,
                perCall(own0.samplerCpuSeconds(), own1.samplerCpuSeconds(), fixed.ok()) * 1e6,
                perCall(own1.samplerCpuSeconds(), own2.samplerCpuSeconds(), sat.ok()) * 1e6));
        if (sat.firstFailure() != null) {
            progress.phase(t.name() + ": first failure at saturation: " + sat.firstFailure());
        }
    }

    public void print(PrintStream out) {
        out.printf("side by side: %d req/s fixed rate for %d s (after %d s warm-up), then %d connections closed-loop for %d s;"
                + " 2 cores shared by load, upstream, broker and the gateway%n", rate, seconds, warmup, connections, seconds);
        out.printf("%-34s %12s %10s %10s %10s %10s %10s %8s %11s %12s %7s%n", "gateway", "CPU µs/req", "p50 added", "p99 added",
                "own p50", "own p99", "own ≤ 1 ms", "RSS MB", "sat. req/s", "CPU µs/req", "failed");
        out.printf("%-34s %12s %10s %10s %10s %10s %10s %8s %11s %12s %7s%n", "", "(fixed rate)", "ms", "ms", "≤ ms", "≤ ms", "% calls",
                "", "", "(saturated)", "");
        for (Row r : rows) {
            out.printf("%-34s %12.0f %10.3f %10.3f %10s %10s %10s %8d %11.0f %12.0f %7d%n", r.name(), r.cpuFixedMicros(), r.p50Added(),
                    r.p99Added(), own(r.ownP50()), own(r.ownP99()), percent(r.ownWithin1Ms()), r.rssMb(), r.satRps(), r.cpuSatMicros(),
                    r.failed());
        }
        for (Row r : rows) {
            if (!r.satThreads().isEmpty()) {
                out.printf("CPU µs/req by thread, %s saturated: %s%n", r.name(), r.satThreads());
            }
        }
        for (Row r : rows) {
            if (!Double.isNaN(r.allocFixedKb())) {
                out.printf("heap allocated per request, %s: %.1f KB at %d req/s, %.1f KB saturated%n", r.name(), r.allocFixedKb(), rate,
                        r.allocSatKb());
            }
        }
        for (Row r : rows) {
            double fixedMsPerSecond = r.samplerFixedMicros() * rate / 1e3;
            double satMsPerSecond = r.samplerSatMicros() * r.satRps() / 1e3;
            if (fixedMsPerSecond >= 1 || satMsPerSecond >= 1) { // at least 1 ms/s: the gateway samples (NaN: it does not report)
                out.printf("drift sampler of %s (a fixed budget per replica, not per call): %.0f ms/s of one core at %d req/s, %.0f ms/s"
                        + " saturated; CPU µs/req besides it: %.0f at %d req/s, %.0f saturated%n", r.name(), fixedMsPerSecond, rate,
                        satMsPerSecond, r.cpuFixedMicros() - r.samplerFixedMicros(), rate, r.cpuSatMicros() - r.samplerSatMicros());
            }
        }
        out.println("added: the load generator's latency less the upstream's alone (both sides of 2 shared cores); own: the gateway's"
                + " pilotlight_gateway_overhead_seconds, received to handed to the socket less the model's time (bucket bound)");
    }

    /** The gateway's own figures now, or none for a gateway that keeps no account of its own. */
    private static OwnClock.Reading read(Target t) throws IOException, InterruptedException {
        return t.ownClock() == null ? OwnClock.Reading.NONE : t.ownClock().read();
    }

    /** How much a gateway's counter grew per answered call between two readings; NaN when the gateway does not report it (-1). */
    static double perCall(double before, double after, long calls) {
        return before < 0 || after < 0 || calls <= 0 ? Double.NaN : (after - before) / calls;
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "-" : String.format("%.2f", 100 * share);
    }

    private static String own(double ms) {
        return Double.isNaN(ms) ? "-" : String.format("%.2f", ms);
    }
}
