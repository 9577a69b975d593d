package dev.pilotlight.local.scenario;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario {@code drift}: claims-letter traffic with the pilot's mix of requests and 80 % of answers
 * accepted for a control period, then users start asking other things, answers get three times longer
 * and acceptance falls to 40 %. Passes when the input, output and performance drift rules fire within
 * the deadline and nothing drifted in the control period. The demo profile's drift windows are 10 s
 * (config/drift.demo.yaml); the reference is each release's trailing windows.
 */
public final class DriftScenario {
    public static final String NAME = "drift";
    private static final String ROUTE = "claims-letter";
    private static final List<String> RULES = List.of("input-drift-significant", "output-drift-significant", "performance-drift");
    private static final Map<String, Double> PILOT_MIX = Map.of("denial", 0.4, "approval", 0.35, "missing-documents", 0.2, "status-update", 0.05);
    private static final Map<String, Double> SHIFTED_MIX = Map.of("denial", 0.05, "approval", 0.05, "missing-documents", 0.3, "status-update", 0.6);

    /** Outcome: the checks passed, seconds from the shift to each rule's first alert, alerts in the control period. */
    public record Result(String scenario, boolean passed, List<String> checks, Map<String, Double> detectedAfterSeconds,
                         int controlPeriodAlerts, long calls, long feedback, String reason) {}

    /**
     * @param control the period without a shift, which must raise nothing. Run on a stack whose route has
     *                seen no other traffic: drift against other scenarios' requests is real drift, and an alert
     *                already firing for a feature does not fire again when the shift comes
     */
    public record Options(int callsPerSecond, Duration control, Duration deadline) {}

    private final EmbeddedStack stack;
    private final Options options;
    private final PrintStream out;
    private final List<String> checks = new ArrayList<>();
    private final Random random = new Random(13);
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong feedback = new AtomicLong();
    private final AtomicInteger next = new AtomicInteger();
    private final Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile boolean shifted;

    public DriftScenario(EmbeddedStack stack, Options options, PrintStream out) {
        this.stack = stack;
        this.options = options;
        this.out = out;
    }

    public Result run() throws InterruptedException {
        GatewayClient client = new GatewayClient(stack.gateway().baseUrl());
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("drift-traffic"));
        ExecutorService feedbackPool = Executors.newFixedThreadPool(4, DaemonThreads.named("drift-feedback"));
        try (AlertWatcher alerts = new AlertWatcher(stack.kafka().bootstrapServers())) {
            out.println("drift: " + options.control().toSeconds() + " s of the pilot's traffic on " + ROUTE + " at "
                    + options.callsPerSecond() + " calls/s (denials and approvals; 80 % of answers accepted)");
            timer.scheduleAtFixedRate(() -> fire(client, feedbackPool), 0, 1_000_000L / options.callsPerSecond(), TimeUnit.MICROSECONDS);
            Thread.sleep(options.control().toMillis()); // the control period is traffic time, not synchronisation
            long shiftAt = System.currentTimeMillis();
            shifted = true;
            stack.upstream().setDefault(FaultProfile.HEALTHY.withOutputTokens(FaultProfile.HEALTHY.outputTokens() * 3));
            out.println("drift: the shift begins: users now ask for status updates and documents, answers are 3x longer, 40 % accepted");
            Map<String, Double> detected = new LinkedHashMap<>();
            boolean all = Deadline.in(options.deadline()).await(() -> {
                for (String rule : RULES) {
                    alerts.first(a -> firing(a, rule) && a.startsAt() >= shiftAt).ifPresent(s -> detected.putIfAbsent(rule,
                            (s.seenAt() - shiftAt) / 1000.0));
                }
                return detected.size() == RULES.size();
            });
            timer.shutdownNow();
            // an alert starts at the end of the window it scored: before the shift, that window held only control traffic
            List<AlertWatcher.Seen> inControl = alerts.all().stream().filter(s -> RULES.contains(s.alert().ruleId())
                    || s.alert().ruleId().equals("drift-moderate")).filter(s -> s.alert().startsAt() < shiftAt).toList();
            detected.forEach((rule, secs) -> pass(rule + " fired " + secs + " s after the shift began: "
                    + alerts.first(a -> firing(a, rule)).orElseThrow().alert().summary()));
            if (inControl.isEmpty()) {
                pass("no drift alert from the control period's windows");
            }
            out.println("drift: " + calls.get() + " calls by HTTP status " + statuses.entrySet().stream().filter(e -> e.getKey() < 1000)
                    .map(e -> e.getKey() + "=" + e.getValue()).toList() + ", " + feedback.get() + " ratings accepted, refused by status "
                    + statuses.entrySet().stream().filter(e -> e.getKey() >= 1000).map(e -> e.getKey() / 1000 + "=" + e.getValue()).toList());
            out.println("drift: drift alerts, in order:");
            alerts.all().stream().filter(s -> s.alert().ruleId().contains("drift") && s.alert().state() == Alert.State.FIRING)
                    .forEach(s -> out.println("  +" + (s.seenAt() - shiftAt) / 1000.0 + " s [P" + s.alert().tier() + "] "
                            + s.alert().ruleId() + ": " + s.alert().summary()));
            String reason = !all ? "not every drift rule fired within " + options.deadline().toSeconds() + " s: missing "
                    + RULES.stream().filter(r -> !detected.containsKey(r)).toList()
                    : !inControl.isEmpty() ? inControl.size() + " drift alerts in the control period" : "every kind of drift was found";
            boolean passed = all && inControl.isEmpty();
            if (!passed) {
                out.println("  FAILED " + reason);
            }
            return new Result(NAME, passed, List.copyOf(checks), detected, inControl.size(), calls.get(), feedback.get(), reason);
        } finally {
            timer.shutdownNow();
            feedbackPool.shutdownNow();
            stack.upstream().setDefault(FaultProfile.HEALTHY);
        }
    }

    private void fire(GatewayClient client, ExecutorService feedbackPool) {
        int n = next.getAndIncrement();
        boolean now = shifted;
        String topic = pick(now ? SHIFTED_MIX : PILOT_MIX);
        String key = DemoKeys.PILOT_USERS.get(n % DemoKeys.PILOT_USERS.size());
        client.invokeAsync(ROUTE, key, request(topic, n)).thenAcceptAsync(r -> {
            calls.incrementAndGet();
            statuses.computeIfAbsent(r.status(), k -> new AtomicLong()).incrementAndGet();
            if (r.status() != 200 || n % 2 != 0) {
                return;
            }
            boolean accepted = random.nextDouble() < (now ? 0.4 : 0.8);
            GatewayClient.Response f = client.post("/v1/feedback", key, "{\"invocationId\":\"" + r.text("id") + "\",\"acceptance\":\""
                    + (accepted ? "accepted" : "rejected") + "\"}");
            if (f.status() / 100 == 2) {
                feedback.incrementAndGet();
            } else {
                statuses.computeIfAbsent(f.status() * 1000, k -> new AtomicLong()).incrementAndGet();
            }
        }, feedbackPool);
    }

    private synchronized String pick(Map<String, Double> mix) {
        double x = random.nextDouble();
        for (Map.Entry<String, Double> e : new java.util.TreeMap<>(mix).entrySet()) {
            x -= e.getValue();
            if (x < 0) {
                return e.getKey();
            }
        }
        return "denial";
    }

    private String request(String topic, int n) {
        int claim = 4000 + n;
        return switch (topic) {
            case "denial" -> "Draft a letter declining claim " + claim + ": the " + pickOf("flood damage", "wear and tear", "lapsed policy")
                    + " is not covered by the policy.";
            case "approval" -> "Write to the customer that claim " + claim + " is approved and the payment of $" + (500 + n % 900)
                    + " is on its way.";
            case "missing-documents" -> "Ask the customer of claim " + claim + " to send the missing " + pickOf("receipts", "police report",
                    "repair estimate", "photos of the damage") + " so we can process it.";
            default -> "Tell the customer that claim " + claim + " is still being reviewed by the adjuster and give a short update.";
        };
    }

    private synchronized String pickOf(String... options) {
        return options[random.nextInt(options.length)];
    }

    private static boolean firing(Alert a, String rule) {
        return a.state() == Alert.State.FIRING && a.ruleId().equals(rule);
    }

    private void pass(String what) {
        checks.add(what);
        out.println("  ok  " + what);
    }
}
