package dev.pilotlight.local.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-loop load at a fixed rate (requests are sent on schedule whether or not earlier ones have
 * answered, so a slow server cannot slow the load down and hide its latency). Latency goes into an
 * HdrHistogram in microseconds, measured from the scheduled send time (no coordinated omission).
 */
public final class OpenLoopLoad {
    /** What one phase measured. */
    public record Result(String name, long sent, long ok, long failed, double seconds, Histogram micros) {
        public double rps() {
            return ok / seconds;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(5)).build();

    /** Sends {@code rate} requests a second for {@code seconds}; {@code request} builds request n. */
    public Result run(String name, int rate, int seconds, LongFunction<HttpRequest> request) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long total = (long) rate * seconds;
        CountDownLatch done = new CountDownLatch((int) total);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        AtomicLong n = new AtomicLong();
        ticker.scheduleAtFixedRate(() -> {
            long i = n.getAndIncrement();
            if (i >= total) {
                return;
            }
            long scheduled = start + i * periodNanos;
            http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.discarding()).whenComplete((r, err) -> {
                long micros = (System.nanoTime() - scheduled) / 1000;
                recorder.recordValue(Math.max(1, micros));
                // a degraded answer is a 200 too, but no model answered: it does not count as served
                if (err == null && r.statusCode() == 200 && r.headers().firstValue("X-Pilotlight-Degraded").isEmpty()) {
                    ok.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                }
                done.countDown();
            });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        boolean finished = done.await(seconds + 60L, TimeUnit.SECONDS);
        ticker.shutdownNow();
        double took = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        return new Result(name, n.get(), ok.get(), failed.get() + (finished ? 0 : done.getCount()), took, h);
    }

    public static HttpRequest post(String url, String key, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b.build();
    }
}
