package dev.pilotlight.local.scenario;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.cost.Quota;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.gateway.Gateway;
import dev.pilotlight.gateway.control.AppliedCommand;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Scenario {@code runaway-user}: two gateway replicas; user {@code looper} starts a script that sends the
 * same request from several threads as fast as answers come, spread over both replicas, while alice uses
 * the same route normally. The guard must throttle the loop on both replicas within 5 s of its start, the
 * looper's daily quota (quota {@code demo-looper-daily} of alert-rules/quotas.yaml) must block it fleet-wide
 * with its spend over the cap by no more than the in-flight bound (docs/cost.md, "How far over a cap"), and
 * alice must not see a single refusal.
 */
public final class RunawayUserScenario {
    public static final String NAME = "runaway-user";
    /** A route without a response cache: on claims-letter the cache would answer a loop's repeats for nothing. */
    static final String ROUTE = "claims-triage";
    static final String QUOTA = "demo-looper-daily";
    static final String LOOPER = "looper";
    /** Answers as slow as a small model's, so a loop runs at a believable pace (the simulated upstream answers in ~20 ms). */
    static final FaultProfile MODEL_PACE = new FaultProfile(0.0, 500, 300, 0.3, 120, null);

    public record Options(int loops, Duration deadline) {
        public static Options defaults() {
            return new Options(8, Duration.ofSeconds(30));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String scenario, boolean passed, Long loopToThrottleBothMs, Long loopToBlockBothMs, Long crossingToBlockMs,
                         long looperCalls, long looperServed, double capUsd, double looperSpendUsd, double overshootUsd,
                         double inFlightBoundUsd, long normalCalls, long normalRefused, String reason) {}

    private final EmbeddedStack stack;
    private final Options options;
    private final PrintStream out;

    public RunawayUserScenario(EmbeddedStack stack, Options options, PrintStream out) {
        this.stack = stack;
        this.options = options;
        this.out = out;
    }

    public Result run() throws Exception {
        double cap = RuleSetLoader.load(stack.rulesDir()).quotas().stream().filter(q -> q.id().equals(QUOTA)).mapToDouble(Quota::budgetUsd)
                .findFirst().orElseThrow(() -> new IllegalStateException("the rules lack quota " + QUOTA + " (alert-rules/quotas.yaml)"));
        Gateway second = stack.startReplica("gw-local-2");
        List<Gateway> fleet = List.of(stack.gateway(), second);
        List<GatewayClient> clients = fleet.stream().map(g -> new GatewayClient(g.baseUrl())).toList();
        long t0 = System.currentTimeMillis();
        ScenarioTimeline timeline = new ScenarioTimeline(NAME, t0);
        timeline.note(t0, "replicas " + fleet.stream().map(Gateway::baseUrl).toList() + " up; quota " + QUOTA + ": $" + cap + " a day, block");
        // whichever version the route serves now (after the canary scenario, 1.2.0): the profile is per version
        String served = stack.gateway().releases().current(ROUTE).map(r -> r.productionVersion()).orElse("1.0.0");
        stack.upstream().setVersionProfile(served, MODEL_PACE);
        try (AlertWatcher alerts = new AlertWatcher(stack.kafka().bootstrapServers());
             TrafficDriver normal1 = new TrafficDriver(clients.get(0), ROUTE, List.of(DemoKeys.USERS.get(0)));
             TrafficDriver normal2 = new TrafficDriver(clients.get(1), ROUTE, List.of(DemoKeys.USERS.get(0)))) {
            normal1.start(1);
            normal2.start(1);
            timeline.note(System.currentTimeMillis(), "alice calls " + ROUTE + " at 1 call/s on each replica");
            Deadline deadline = Deadline.in(options.deadline());
            // the loop starts on replicas in use, as in production, not on one answering its very first calls
            if (!deadline.await(() -> normal1.count(TrafficDriver.Call::ok) >= 3 && normal2.count(TrafficDriver.Call::ok) >= 3)) {
                timeline.print(out);
                return new Result(NAME, false, null, null, null, 0, 0, cap, 0, 0, 0, 0, 0, "alice's calls were not answered on both replicas");
            }
            LoopingScript script = new LoopingScript(clients, ROUTE, DemoKeys.LOOPER, options.loops());
            long loopStart = System.currentTimeMillis();
            script.start();
            timeline.note(loopStart, "looper's script starts: " + options.loops() + " threads repeating one request over both replicas");
            deadline.await(() -> applied(fleet, CommandType.THROTTLE_USER).size() == 2 && applied(fleet, CommandType.BLOCK_USER).size() == 2);
            script.close();
            List<AppliedCommand> throttles = applied(fleet, CommandType.THROTTLE_USER);
            List<Optional<AppliedCommand>> blocks = fleet.stream().map(g -> firstOn(g, CommandType.BLOCK_USER)).toList();
            for (int i = 0; i < fleet.size(); i++) {
                String replica = replicaName(i);
                firstOn(fleet.get(i), CommandType.THROTTLE_USER).ifPresent(c -> timeline.note(c.appliedAt(), replica + ": " + c.result()));
                blocks.get(i).ifPresent(c -> timeline.note(c.appliedAt(), replica + ": " + c.result()));
            }
            alerts.first(a -> a.labels().containsValue(LOOPER) && a.state() == Alert.State.FIRING && "runaway-loop".equals(a.ruleId()))
                    .ifPresent(s -> timeline.note(s.seenAt(), "alert runaway-loop: " + s.alert().summary()));
            alerts.first(a -> a.labels().containsValue(LOOPER) && a.state() == Alert.State.FIRING && QUOTA.equals(a.ruleId()))
                    .ifPresent(s -> timeline.note(s.seenAt(), "alert " + QUOTA + " (tier " + s.alert().tier() + "): " + s.alert().summary()));
            return result(timeline, script, cap, loopStart, throttles, blocks, List.of(normal1, normal2));
        } finally {
            stack.upstream().setVersionProfile(served, FaultProfile.HEALTHY);
        }
    }

    private Result result(ScenarioTimeline timeline, LoopingScript script, double cap, long loopStart, List<AppliedCommand> throttles,
                          List<Optional<AppliedCommand>> blockOn, List<TrafficDriver> normal) {
        List<AppliedCommand> blocks = blockOn.stream().flatMap(Optional::stream).toList();
        List<LoopingScript.Call> calls = new ArrayList<>(script.calls());
        calls.sort(Comparator.comparingLong(LoopingScript.Call::doneAt));
        double spent = 0;
        Long crossedAt = null;
        double maxCost = 0;
        for (LoopingScript.Call c : calls) {
            spent += c.costUsd();
            maxCost = Math.max(maxCost, c.costUsd());
            if (crossedAt == null && spent >= cap) {
                crossedAt = c.doneAt();
                timeline.note(c.doneAt(), String.format(Locale.ROOT, "looper's spend reaches the cap: $%.5f", spent));
            }
        }
        calls.stream().filter(LoopingScript.Call::ok).findFirst()
                .ifPresent(c -> timeline.note(c.doneAt(), "first answer to the looper (" + (c.doneAt() - c.sentAt()) + " ms)"));
        calls.stream().filter(LoopingScript.Call::ok).skip(19).findFirst()
                .ifPresent(c -> timeline.note(c.doneAt(), "20th answer to the looper"));
        // 429 from the throttle, 403 from the block: whichever came first
        calls.stream().filter(c -> c.status() == 429 || c.status() == 403).findFirst()
                .ifPresent(c -> timeline.note(c.doneAt(), "first refusal of the looper (HTTP " + c.status() + ")"));
        Long toThrottle = throttles.size() == 2 ? throttles.stream().mapToLong(AppliedCommand::appliedAt).max().getAsLong() - loopStart : null;
        Long blockedAt = blocks.size() == 2 ? blocks.stream().mapToLong(AppliedCommand::appliedAt).max().getAsLong() : null;
        Long crossingToBlock = crossedAt != null && blockedAt != null ? blockedAt - crossedAt : null;
        long served = calls.stream().filter(LoopingScript.Call::ok).count();
        Optional<LoopingScript.Call> leak = servedAfterItsBlock(calls, blockOn);
        leak.ifPresent(c -> timeline.note(c.doneAt(), replicaName(c.replica()) + " served a call the looper sent "
                + (c.sentAt() - blockOn.get(c.replica()).orElseThrow().appliedAt()) + " ms after it applied the block"));
        double overshoot = Math.max(0, spent - cap);
        double bound = inFlightBound(calls, script.loops(), crossedAt, crossingToBlock, maxCost);
        long normalCalls = normal.stream().mapToLong(d -> d.count(c -> true)).sum();
        long normalRefused = normal.stream().mapToLong(d -> d.count(c -> !c.ok())).sum();
        String reason = toThrottle == null ? "the loop was not throttled on both replicas before the deadline"
                : toThrottle > 5_000 ? "the throttle took " + toThrottle + " ms (target < 5 s)"
                : blockedAt == null ? "the quota did not block the looper on both replicas before the deadline"
                : leak.isPresent() ? replicaName(leak.get().replica()) + " admitted the looper after applying the block"
                : overshoot > bound ? String.format(Locale.ROOT, "spend over the cap by $%.5f, beyond the in-flight bound $%.5f", overshoot, bound)
                : normalRefused > 0 ? "alice was refused " + normalRefused + " time(s)" : null;
        timeline.print(out);
        out.printf(Locale.ROOT, "  looper: %d calls, %d served, $%.5f spent against a cap of $%.5f (over by $%.5f; in-flight bound $%.5f)%n",
                calls.size(), served, spent, cap, overshoot, bound);
        if (reason != null) {
            out.println("  FAILED " + reason);
        }
        return new Result(NAME, reason == null, toThrottle, blockedAt == null ? null : blockedAt - loopStart, crossingToBlock, calls.size(),
                served, cap, round(spent), round(overshoot), round(bound), normalCalls, normalRefused, reason);
    }

    /**
     * docs/cost.md, "How far over a cap": the calls in flight when the crossing call ended (one per loop) plus
     * those the user started while the decision travelled to the last replica, each at the dearest call seen.
     */
    static double inFlightBound(List<LoopingScript.Call> calls, int loops, Long crossedAt, Long decisionMs, double maxCost) {
        if (crossedAt == null || decisionMs == null) {
            return 0;
        }
        long startedWhileDeciding = calls.stream().filter(c -> c.sentAt() >= crossedAt && c.sentAt() <= crossedAt + decisionMs).count();
        return (loops + startedWhileDeciding) * maxCost;
    }

    /** A call answered by a replica although the looper sent it after that replica had put the block in force. */
    static Optional<LoopingScript.Call> servedAfterItsBlock(List<LoopingScript.Call> calls, List<Optional<AppliedCommand>> blockOn) {
        return calls.stream().filter(LoopingScript.Call::ok)
                .filter(c -> blockOn.get(c.replica()).map(b -> c.sentAt() > b.appliedAt()).orElse(false)).findFirst();
    }

    private static String replicaName(int i) {
        return "gw-local-" + (i + 1);
    }

    private static double round(double usd) {
        return Math.round(usd * 1e6) / 1e6;
    }

    /** The first command of {@code type} on the looper applied by each replica that applied one. */
    private static List<AppliedCommand> applied(List<Gateway> fleet, CommandType type) {
        return fleet.stream().map(g -> firstOn(g, type)).flatMap(Optional::stream).toList();
    }

    private static Optional<AppliedCommand> firstOn(Gateway g, CommandType type) {
        return g.commands().recent().stream().filter(c -> c.type() == type && LOOPER.equals(c.target()))
                .min(Comparator.comparingLong(AppliedCommand::appliedAt));
    }
}
