package dev.pilotlight.local.scenario;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.gateway.control.AppliedCommand;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scenario {@code canary}: a model upgrade released as a ramp. claims-letter 1.2.0 (the same prompt on
 * sim-model-2) goes 10% → 25% → 50% → 100%, each step held 5 s and 20 candidate calls, moved on by the
 * guard job with SET_SPLIT and promoted at the end. Then 1.3.0 ramps the same way and starts failing once
 * it has reached 25%: the rollback rule removes it mid-ramp, as it would any failing release.
 */
public final class CanaryScenario {
    public static final String NAME = "canary";
    static final String ROUTE = "claims-letter";
    static final String UPGRADE = "1.2.0";
    static final String BAD = "1.3.0";
    static final List<Map<String, Object>> PLAN = List.of(step(0.1), step(0.25), step(0.5), step(1.0));

    public record Options(int callsPerSecond, Duration deadline) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String scenario, boolean passed, String production, List<Double> upgradeSteps, String upgradeDecision,
                         List<Double> badSteps, String badEnd, Long rampMs, String reason) {}

    private final EmbeddedStack stack;
    private final Options options;
    private final PrintStream out;

    public CanaryScenario(EmbeddedStack stack, Options options, PrintStream out) {
        this.stack = stack;
        this.options = options;
        this.out = out;
    }

    private static Map<String, Object> step(double share) {
        return Map.of("share", share, "bake", "5s", "min_calls", 20);
    }

    public Result run() throws InterruptedException {
        long t0 = System.currentTimeMillis();
        ScenarioTimeline timeline = new ScenarioTimeline(NAME, t0);
        GatewayClient client = new GatewayClient(stack.gateway().baseUrl());
        ExperimentWatch watch = new ExperimentWatch(stack, client);
        try (RatedTraffic traffic = new RatedTraffic(client, ROUTE, Map.of(), 16)) {
            traffic.start(options.callsPerSecond());
            timeline.note(t0, "the pilot group uses " + ROUTE + " at " + options.callsPerSecond() + " calls/s");
            // the upgrade: every step, then the promotion
            long upgradeAt = release(client, timeline, UPGRADE);
            Deadline deadline = Deadline.in(options.deadline());
            deadline.await(() -> watch.applied(ROUTE, CommandType.PROMOTE_VARIANT, upgradeAt).isPresent());
            List<Double> upgradeSteps = splits(watch, upgradeAt, timeline);
            Optional<AppliedCommand> promoted = watch.applied(ROUTE, CommandType.PROMOTE_VARIANT, upgradeAt);
            promoted.ifPresent(c -> timeline.note(c.appliedAt(), "gateway applied PROMOTE_VARIANT: " + c.result()));
            String production = current().productionVersion();
            if (promoted.isEmpty() || !UPGRADE.equals(production)) {
                return fail(timeline, production, upgradeSteps, null, null, "the ramp of " + UPGRADE + " did not end in its promotion within "
                        + options.deadline().toSeconds() + " s (steps applied: " + upgradeSteps + ")");
            }
            long rampMs = promoted.get().appliedAt() - upgradeAt;
            Deadline.in(Duration.ofSeconds(30)).await(() -> watch.experiment(ROUTE, UPGRADE).filter(s -> s.decision() != null).isPresent());
            String upgradeDecision = watch.experiment(ROUTE, UPGRADE).map(s -> s.decision() + ": " + s.reason()).orElse(null);

            // the bad candidate: it fails once it has reached 25%
            long badAt = release(client, timeline, BAD);
            Deadline.in(options.deadline()).await(() -> current().candidateSplit() >= 0.25 || current().candidateVersion() == null);
            stack.upstream().setVersionProfile(BAD, new FaultProfile(0.4, 400, FaultProfile.HEALTHY.latencyMedianMs(),
                    FaultProfile.HEALTHY.latencySigma(), FaultProfile.HEALTHY.outputTokens()));
            timeline.note(System.currentTimeMillis(), BAD + " starts failing 40% of its calls (the provider refuses its longer prompt)");
            Deadline.in(options.deadline()).await(() -> current().candidateVersion() == null
                    && watch.applied(ROUTE, CommandType.ROLLBACK_PROMPT, badAt).isPresent());
            List<Double> badSteps = splits(watch, badAt, timeline);
            Optional<AppliedCommand> removed = watch.applied(ROUTE, CommandType.ROLLBACK_PROMPT, badAt);
            removed.ifPresent(c -> timeline.note(c.appliedAt(), "gateway applied ROLLBACK_PROMPT from the rule " + c.alertId() + ": " + c.result()));
            Deadline.in(Duration.ofSeconds(30)).await(() -> watch.experiment(ROUTE, BAD).filter(s -> s.status() == ExperimentState.Status.ENDED).isPresent());
            String badEnd = watch.experiment(ROUTE, BAD).map(s -> s.status() + ": " + s.reason()).orElse(null);
            ReleaseState now = current();
            double highest = badSteps.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            boolean passed = removed.isPresent() && now.candidateVersion() == null && UPGRADE.equals(now.productionVersion()) && highest < 1.0
                    && upgradeSteps.equals(List.of(0.25, 0.5, 1.0));
            String reason = passed ? UPGRADE + " ramped 10% → 25% → 50% → 100% and was promoted; " + BAD + " was removed mid-ramp at "
                    + Math.round(100 * highest) + "%" : "upgrade steps " + upgradeSteps + ", bad candidate steps " + badSteps + ", removed "
                    + removed.isPresent() + ", release now " + now.productionVersion() + "/" + now.candidateVersion();
            timeline.print(out);
            if (!passed) {
                out.println("  FAILED " + reason);
            }
            return new Result(NAME, passed, now.productionVersion(), upgradeSteps, upgradeDecision, badSteps, badEnd, rampMs, reason);
        } finally {
            stack.upstream().setVersionProfile(BAD, FaultProfile.HEALTHY);
        }
    }

    private long release(GatewayClient client, ScenarioTimeline timeline, String candidate) {
        GatewayClient.Response rel = client.release(ROUTE, DemoKeys.ADMIN, Map.of("candidate", candidate, "plan", PLAN,
                "reason", "scenario " + NAME + ": canary of " + candidate));
        long at = System.currentTimeMillis();
        if (rel.status() != 200) {
            throw new IllegalStateException("release of " + candidate + " refused: " + rel.status() + " " + rel.raw());
        }
        timeline.note(at, "candidate " + candidate + " released with a plan: 10% → 25% → 50% → 100%, each step 5 s and 20 calls");
        return at;
    }

    /** The splits the guard job asked for since {@code since}, as the gateway applied them, noted on the timeline. */
    private List<Double> splits(ExperimentWatch watch, long since, ScenarioTimeline timeline) {
        List<AppliedCommand> steps = stack.gateway().commands().recent().stream()
                .filter(c -> c.target().equals(ROUTE) && c.type() == CommandType.SET_SPLIT && c.appliedAt() >= since)
                .sorted(Comparator.comparingLong(AppliedCommand::appliedAt)).toList();
        steps.forEach(c -> timeline.note(c.appliedAt(), "gateway applied SET_SPLIT: " + c.result()));
        return steps.stream().map(c -> Double.parseDouble(c.result().substring(c.result().lastIndexOf(' ') + 1))).toList();
    }

    private ReleaseState current() {
        return stack.gateway().releases().current(ROUTE).orElseThrow();
    }

    private Result fail(ScenarioTimeline timeline, String production, List<Double> upgradeSteps, List<Double> badSteps, String badEnd, String reason) {
        timeline.print(out);
        out.println("  FAILED " + reason);
        return new Result(NAME, false, production, upgradeSteps, null, badSteps, badEnd, null, reason);
    }
}
