package dev.pilotlight.local.bench.peer;

import dev.pilotlight.local.progress.Progress;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Saturation: {@code connections} callers each sending the next request as soon as the last is answered, as wrk does. */
public final class ClosedLoopLoad {
    /** Answered requests (200) and failures over the measured time. */
    public record Result(long ok, long failed, double seconds, String firstFailure) {
        public double rps() {
            return ok / seconds;
        }
    }

    private ClosedLoopLoad() {}

    public static Result run(Progress progress, String name, int connections, int seconds, LongFunction<Request> request)
            throws InterruptedException {
        OkHttpClient http = new OkHttpClient.Builder().connectionPool(new ConnectionPool(connections, 1, TimeUnit.MINUTES))
                .callTimeout(Duration.ofSeconds(30)).build();
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong next = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        progress.phase(name + " (" + seconds + " s, " + connections + " connections)", () -> ok.get() + " ok, " + failed.get() + " failed");
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> callers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try (Response r = http.newCall(request.apply(next.getAndIncrement())).execute()) {
                        String body = r.body().string();
                        if (r.code() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                            firstFailure.compareAndSet(null, r.code() + " " + body.substring(0, Math.min(200, body.length())));
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, e.toString());
                    }
                }
            }, "bench-closed-loop-" + c);
            t.start();
            callers.add(t);
        }
        for (Thread t : callers) {
            t.join();
        }
        double took = (System.nanoTime() - start) / 1e9;
        http.connectionPool().evictAll();
        http.dispatcher().executorService().shutdown();
        return new Result(ok.get(), failed.get(), took, firstFailure.get());
    }
}
