package dev.pilotlight.local.bench;

import dev.pilotlight.local.bench.peer.ProcessUsage;
import dev.pilotlight.local.progress.Progress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * Many calls waiting on a slow model at once: {@code calls} requests started over a short ramp
 * (the JDK's asynchronous client: no thread per request on this side either), each answered by
 * the upstream only after its think time; the gateway's threads and memory are read while they
 * wait. A gateway that parks a thread per waiting call grows a thread per call here.
 */
public final class InFlightLoad {
    /** What the run saw. */
    public record Result(int calls, int ok, int failed, String firstFailure, long p50Ms, long maxMs, int peakGatewayThreads,
                         int idleGatewayThreads, long peakRssMb, long peakInFlight) {}

    private InFlightLoad() {}

    /** @param gatewayInFlight the gateway's own count of requests being served, sampled with its threads and memory */
    public static Result run(Progress progress, int calls, Duration ramp, long gatewayPid, LongSupplier gatewayInFlight,
                             LongFunction<HttpRequest> request)
            throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(20)).build();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        ConcurrentHistogram millis = new ConcurrentHistogram(3);
        int idleThreads = ProcessUsage.threads(gatewayPid);
        progress.phase(calls + " calls in flight", () -> ok.get() + " answered, " + failed.get() + " failed");
        List<CompletableFuture<?>> all = new ArrayList<>(calls);
        long rampNanos = ramp.toNanos();
        long start = System.nanoTime();
        int peakThreads = idleThreads;
        long peakRss = ProcessUsage.rssMb(gatewayPid);
        long peakInFlight = 0;
        for (int i = 0; i < calls; i++) {
            long due = start + rampNanos * i / calls;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // the ramp's pace, not synchronisation
            }
            long sent = System.nanoTime();
            all.add(http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
                millis.recordValue(Math.max(1, (System.nanoTime() - sent) / 1_000_000));
                if (e == null && r.statusCode() == 200) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, e != null ? e.toString() : r.statusCode() + " " + new String(r.body()));
                }
            }));
            if (i % 500 == 0) {
                peakThreads = Math.max(peakThreads, ProcessUsage.threads(gatewayPid));
                peakRss = Math.max(peakRss, ProcessUsage.rssMb(gatewayPid));
                peakInFlight = Math.max(peakInFlight, gatewayInFlight.getAsLong());
            }
        }
        CompletableFuture<Void> done = CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
        while (!done.isDone()) {
            peakThreads = Math.max(peakThreads, ProcessUsage.threads(gatewayPid));
            peakRss = Math.max(peakRss, ProcessUsage.rssMb(gatewayPid));
            peakInFlight = Math.max(peakInFlight, gatewayInFlight.getAsLong());
            try {
                done.get(200, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // keep sampling until every call has ended
            }
        }
        return new Result(calls, ok.get(), failed.get(), firstFailure.get(), millis.getValueAtPercentile(50), millis.getMaxValue(),
                peakThreads, idleThreads, peakRss, peakInFlight);
    }

    public static HttpRequest post(String url, String key, String body) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
