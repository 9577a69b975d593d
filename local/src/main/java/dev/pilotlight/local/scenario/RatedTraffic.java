package dev.pilotlight.local.scenario;

import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pilot group using one route at a fixed rate, over HTTP: each answer is rated through /v1/feedback,
 * accepted with the probability its prompt version earns (what users of a better prompt do). Counts
 * calls and ratings per version as the gateway answered them.
 */
public final class RatedTraffic implements AutoCloseable {
    private final GatewayClient client;
    private final String route;
    private final Map<String, Double> acceptance;
    private final Random random;
    private final AtomicInteger next = new AtomicInteger();
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> ratings = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> failures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("rated-traffic"));
    private final ExecutorService raters = Executors.newFixedThreadPool(8, DaemonThreads.named("rated-traffic-feedback"));

    /** @param acceptance per prompt version, the share of its answers users accept; a version not named is not rated */
    public RatedTraffic(GatewayClient client, String route, Map<String, Double> acceptance, long seed) {
        this.client = client;
        this.route = route;
        this.acceptance = acceptance;
        this.random = new Random(seed);
    }

    public void start(int callsPerSecond) {
        timer.scheduleAtFixedRate(this::fire, 0, 1_000_000L / callsPerSecond, TimeUnit.MICROSECONDS);
    }

    private void fire() {
        int n = next.getAndIncrement();
        String key = DemoKeys.PILOT_USERS.get(n % DemoKeys.PILOT_USERS.size());
        client.invokeAsync(route, key, "Claim #" + (7000 + n) + ": what is the deductible, and which clause sets it?").thenAcceptAsync(r -> {
            if (r.status() != 200) {
                failures.computeIfAbsent(r.status(), s -> new AtomicLong()).incrementAndGet();
                return;
            }
            String version = r.text("promptVersion");
            calls.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
            Double share = acceptance.get(version);
            if (share == null) {
                return;
            }
            boolean accepted = draw() < share;
            GatewayClient.Response f = client.post("/v1/feedback", key, "{\"invocationId\":\"" + r.text("id") + "\",\"acceptance\":\""
                    + (accepted ? "accepted" : "rejected") + "\",\"rating\":\"" + (accepted ? "up" : "down") + "\"}");
            if (f.status() / 100 == 2) {
                ratings.computeIfAbsent(version, v -> new AtomicLong()).incrementAndGet();
            } else {
                failures.computeIfAbsent(f.status(), s -> new AtomicLong()).incrementAndGet();
            }
        }, raters);
    }

    private synchronized double draw() {
        return random.nextDouble();
    }

    public long calls(String version) {
        AtomicLong n = calls.get(version);
        return n == null ? 0 : n.get();
    }

    public long ratings(String version) {
        AtomicLong n = ratings.get(version);
        return n == null ? 0 : n.get();
    }

    /** Calls or ratings the gateway refused, by HTTP status. */
    public Map<Integer, Long> failures() {
        Map<Integer, Long> out = new java.util.TreeMap<>();
        failures.forEach((s, n) -> out.put(s, n.get()));
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        raters.shutdownNow();
    }
}
