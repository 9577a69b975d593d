package dev.pilotlight.local.scenario;

import dev.pilotlight.testkit.http.GatewayClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client stuck in a loop, as an agent or a retry bug is: {@code loops} threads, each sending the same
 * request as soon as the last answer came, spread over the replicas; refused, it tries again after
 * {@link #RETRY_DELAY_MS} (all the demo's users share the loopback address and its per-IP limit, so a
 * client spinning on refusals would starve the others of it, which a real client on its own address
 * would not).
 * Remembers every call with what it cost.
 */
final class LoopingScript implements AutoCloseable {
    static final long RETRY_DELAY_MS = 250;

    record Call(int replica, long sentAt, long doneAt, int status, double costUsd) {
        boolean ok() {
            return status == 200;
        }
    }

    private final List<GatewayClient> replicas;
    private final String route;
    private final String key;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService threads;
    private final int loops;

    LoopingScript(List<GatewayClient> replicas, String route, String key, int loops) {
        this.replicas = replicas;
        this.route = route;
        this.key = key;
        this.loops = loops;
        this.threads = Executors.newFixedThreadPool(loops, DaemonThreads.named("looping-script"));
    }

    void start() {
        for (int i = 0; i < loops; i++) {
            int replica = i % replicas.size();
            threads.submit(() -> loop(replica));
        }
    }

    private void loop(int replica) {
        GatewayClient client = replicas.get(replica);
        while (running.get()) {
            long sent = System.currentTimeMillis();
            try {
                GatewayClient.Response r = client.invoke(route, key, "Analyze claim 4711 and explain why the deductible applies");
                calls.add(new Call(replica, sent, System.currentTimeMillis(), r.status(), r.status() == 200 ? r.body().path("costUsd").asDouble() : 0));
                if (r.status() != 200) {
                    Thread.sleep(RETRY_DELAY_MS); // the client's own retry delay (pacing, not waiting for anything)
                }
            } catch (RuntimeException e) {
                calls.add(new Call(replica, sent, System.currentTimeMillis(), -1, 0));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    int loops() {
        return loops;
    }

    /** Stops sending and waits for the calls in flight. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        threads.shutdown();
        threads.awaitTermination(30, TimeUnit.SECONDS);
    }
}
