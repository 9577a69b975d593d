package dev.pilotlight.local.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import dev.pilotlight.local.progress.Progress;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-loop load at a fixed rate (requests are sent on schedule whether or not earlier ones have
 * answered, so a slow server cannot slow the load down and hide its latency). Latency goes into an
 * HdrHistogram in microseconds, measured from the scheduled send time (no coordinated omission).
 *
 * <p>The client is OkHttp with a bounded number of calls in flight and keep-alive connections:
 * cheaper per request than the JDK client (the load shares the machine with what it measures), and
 * an overloaded server makes requests queue here, counted from their scheduled time, instead of
 * opening a connection each until the process runs out of file descriptors.
 */
public final class OpenLoopLoad {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final int MAX_IN_FLIGHT = 256;

    /** What one phase measured. */
    public record Result(String name, long sent, long ok, long failed, double seconds, Histogram micros) {
        public double rps() {
            return ok / seconds;
        }
    }

    private final OkHttpClient http;
    private final Progress progress;

    public OpenLoopLoad(Progress progress) {
        this.progress = progress;
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(MAX_IN_FLIGHT);
        dispatcher.setMaxRequestsPerHost(MAX_IN_FLIGHT);
        http = new OkHttpClient.Builder().dispatcher(dispatcher).connectionPool(new ConnectionPool(MAX_IN_FLIGHT, 5, TimeUnit.MINUTES))
                .connectTimeout(Duration.ofSeconds(5)).callTimeout(Duration.ofSeconds(30)).retryOnConnectionFailure(false).build();
    }

    /** Sends {@code rate} requests a second for {@code seconds}; {@code request} builds request n. */
    public Result run(String name, int rate, int seconds, LongFunction<Request> request) throws InterruptedException {
        Recorder recorder = new Recorder(3);
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<String, Long> why = new ConcurrentHashMap<>();
        long total = (long) rate * seconds;
        progress.phase(name + " (" + seconds + " s at " + rate + " req/s)", () -> ok.get() + " ok, " + failed.get() + " failed");
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
            http.newCall(request.apply(i)).enqueue(new Callback() {
                @Override
                public void onFailure(Call call, IOException e) {
                    record(e.getClass().getSimpleName());
                }

                @Override
                public void onResponse(Call call, Response r) {
                    try (r) {
                        r.body().bytes(); // read to the end, so the connection goes back to the pool
                        // a degraded answer is a 200 too, but no model answered: it does not count as served
                        record(r.code() != 200 ? "HTTP " + r.code() : r.header("X-Pilotlight-Degraded") != null ? "degraded" : null);
                    } catch (IOException e) {
                        record(e.getClass().getSimpleName());
                    }
                }

                /** @param failure why the call failed (a status, "degraded", an exception), null when it was served */
                private void record(String failure) {
                    recorder.recordValue(Math.max(1, (System.nanoTime() - scheduled) / 1000));
                    if (failure == null) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        why.merge(failure, 1L, Long::sum);
                    }
                    done.countDown();
                }
            });
        }, 0, periodNanos, TimeUnit.NANOSECONDS);
        boolean finished = done.await(seconds + 60L, TimeUnit.SECONDS);
        ticker.shutdownNow();
        double took = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        if (!finished) {
            why.merge("unanswered", done.getCount(), Long::sum);
        }
        if (!why.isEmpty()) {
            progress.note(name + ": failed calls by reason " + new TreeMap<>(why));
        }
        return new Result(name, Math.min(n.get(), total), ok.get(), failed.get() + (finished ? 0 : done.getCount()), took, h);
    }

    /**
     * Closes the connections the load left open: a gateway limits connections per client address
     * (pilotlight.gateway.max-connections-per-address), and a phase should not start with the last one's.
     */
    public void closeIdleConnections() {
        http.connectionPool().evictAll();
    }

    public static Request post(String url, String key, String body) {
        return postWithHeaders(url, key == null ? Map.of() : Map.of("Authorization", "Bearer " + key), body);
    }

    /** A POST with the given headers (a peer gateway's own, for instance). */
    public static Request postWithHeaders(String url, Map<String, String> headers, String body) {
        Request.Builder b = new Request.Builder().url(url).post(RequestBody.create(body, JSON));
        headers.forEach(b::header);
        return b.build();
    }
}
