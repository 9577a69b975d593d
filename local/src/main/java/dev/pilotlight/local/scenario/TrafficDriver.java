package dev.pilotlight.local.scenario;

import dev.pilotlight.testkit.http.GatewayClient;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** Steady traffic on one route at a fixed rate, from several users, over HTTP; remembers every call. */
public final class TrafficDriver implements AutoCloseable {
    public record Call(long sentAt, long doneAt, int status, String promptVersion) {
        public boolean ok() {
            return status == 200;
        }
    }

    private final GatewayClient client;
    private final String route;
    private final List<String> userKeys;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "traffic-driver");
        t.setDaemon(true);
        return t;
    });

    public TrafficDriver(GatewayClient client, String route, List<String> userKeys) {
        this.client = client;
        this.route = route;
        this.userKeys = userKeys;
    }

    public void start(int callsPerSecond) {
        long periodMicros = 1_000_000L / callsPerSecond;
        timer.scheduleAtFixedRate(this::fire, 0, periodMicros, TimeUnit.MICROSECONDS);
    }

    private void fire() {
        int n = next.getAndIncrement();
        String key = userKeys.get(n % userKeys.size());
        long sent = System.currentTimeMillis();
        client.invokeAsync(route, key, "Claim #" + n + ": rear-end collision, policy clause 4.2 applies, approve repair.")
                .whenComplete((r, err) -> calls.add(new Call(sent, System.currentTimeMillis(),
                        err != null ? -1 : r.status(), err != null ? null : r.text("promptVersion"))));
    }

    public Optional<Call> first(Predicate<Call> p) {
        return calls.stream().filter(p).min(java.util.Comparator.comparingLong(Call::sentAt));
    }

    public long count(Predicate<Call> p) {
        return calls.stream().filter(p).count();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
