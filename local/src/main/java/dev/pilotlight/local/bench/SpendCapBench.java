package dev.pilotlight.local.bench;

import dev.pilotlight.gateway.Gateway;
import dev.pilotlight.local.progress.Progress;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.local.stack.StackOptions;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@code ./pilotlight bench spend-cap}: how far N concurrent requests of one user can take the user's
 * spend past a daily cap (docs/cost.md, "How far over a cap"). Answers are slow (400 ms) and as long as
 * the model allows (1,024 tokens), so every request is in flight at once and costs what its reservation
 * assumed: the worst case. Three fleets: one replica with the cap; two replicas each with the whole cap
 * (the default); two replicas each with half of it. A fresh user per round.
 */
public final class SpendCapBench {
    private static final String ROUTE = "claims-letter";
    private static final FaultProfile LONG_AND_SLOW = new FaultProfile(0.0, 500, 400, 0.0, 1024, null);

    private final double capUsd;
    private final List<Integer> concurrency;
    private final PrintStream out;

    public SpendCapBench(double capUsd, List<Integer> concurrency, PrintStream out) {
        this.capUsd = capUsd;
        this.concurrency = concurrency;
        this.out = out;
    }

    public void run(Path home) throws Exception {
        try (Progress progress = Progress.start("bench spend-cap", System.err)) {
            progress.phase("starting the embedded stack and five gateway replicas");
            try (EmbeddedStack stack = EmbeddedStack.start(new StackOptions(home, home.resolve("alert-rules"), 0, 0, 0, 5L, 1))) {
                String cap = String.valueOf(capUsd);
                String half = String.valueOf(capUsd / 2);
                Map<String, List<Gateway>> fleets = new java.util.LinkedHashMap<>();
                fleets.put("one replica, cap $" + cap, List.of(stack.startReplica("cap-1", Map.of("pilotlight.limits.user-daily-usd", cap))));
                fleets.put("two replicas, cap $" + cap + " each", List.of(
                        stack.startReplica("cap-2a", Map.of("pilotlight.limits.user-daily-usd", cap)),
                        stack.startReplica("cap-2b", Map.of("pilotlight.limits.user-daily-usd", cap))));
                fleets.put("two replicas, cap $" + half + " each", List.of(
                        stack.startReplica("cap-3a", Map.of("pilotlight.limits.user-daily-usd", half)),
                        stack.startReplica("cap-3b", Map.of("pilotlight.limits.user-daily-usd", half))));
                stack.upstream().setVersionProfile("1.0.0", LONG_AND_SLOW);
                out.printf(Locale.ROOT, "spend of one user's N concurrent requests against a daily cap of $%s (every answer the longest: "
                        + "actual cost = reserved worst case)%n", cap);
                int user = 0;
                for (Map.Entry<String, List<Gateway>> fleet : fleets.entrySet()) {
                    for (int n : concurrency) {
                        String key = DemoKeys.PILOT_USERS.get(user++ % DemoKeys.PILOT_USERS.size());
                        progress.phase(fleet.getKey() + ": " + n + " concurrent requests");
                        round(fleet.getKey(), fleet.getValue(), n, key);
                    }
                }
            }
        }
    }

    private void round(String fleet, List<Gateway> replicas, int n, String key) {
        List<CompletableFuture<GatewayClient.Response>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            GatewayClient client = new GatewayClient(replicas.get(i % replicas.size()).baseUrl());
            calls.add(client.invokeAsync(ROUTE, key, "Draft the full letter for claim " + i));
        }
        List<GatewayClient.Response> rs = calls.stream().map(CompletableFuture::join).toList();
        long served = rs.stream().filter(r -> r.status() == 200).count();
        long refused = rs.stream().filter(r -> r.status() == 429).count();
        double spent = rs.stream().filter(r -> r.status() == 200).mapToDouble(r -> r.body().path("costUsd").asDouble()).sum();
        out.printf(Locale.ROOT, "  %-34s N=%4d: %3d served, %3d refused (429), spent $%.5f = %5.1f%% of the cap, over by $%.5f%n",
                fleet, n, served, refused, spent, 100 * spent / capUsd, Math.max(0, spent - capUsd));
    }
}
