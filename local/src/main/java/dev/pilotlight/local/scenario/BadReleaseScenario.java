package dev.pilotlight.local.scenario;

import dev.pilotlight.testkit.http.GatewayClient;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.gateway.control.AppliedCommand;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.testkit.upstream.FaultProfile;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Scenario {@code bad-release}: steady traffic on claims-letter 1.0.0; 1.1.0 is released to
 * production while its upstream fails ~30% of calls; the loop must roll it back to 1.0.0 before
 * the deadline, and traffic must be served by 1.0.0 again.
 */
public final class BadReleaseScenario {
    public static final String NAME = "bad-release";
    static final String ROUTE = "claims-letter";
    static final String GOOD = "1.0.0";
    static final String BAD = "1.1.0";

    public record Options(int callsPerSecond, double badErrorRate, int warmupCalls, Duration deadline) {
        public static Options defaults() {
            return new Options(25, 0.3, 20, Duration.ofSeconds(60));
        }
    }

    private final EmbeddedStack stack;
    private final Options options;
    private final PrintStream out;
    private ScenarioTimeline timeline;

    public BadReleaseScenario(EmbeddedStack stack, Options options, PrintStream out) {
        this.stack = stack;
        this.options = options;
        this.out = out;
    }

    public ScenarioResult run() throws InterruptedException {
        long t0 = System.currentTimeMillis();
        timeline = new ScenarioTimeline(NAME, t0);
        Deadline deadline = Deadline.in(options.deadline());
        GatewayClient client = new GatewayClient(stack.gateway().baseUrl());
        // the new prompt is refused for a share of inputs (say, too long for the model's context):
        // a 400 that no retry or fallback can fix, so users see it and so must the guard
        stack.upstream().setVersionProfile(BAD, new FaultProfile(options.badErrorRate(), 400,
                FaultProfile.HEALTHY.latencyMedianMs(), FaultProfile.HEALTHY.latencySigma(), FaultProfile.HEALTHY.outputTokens()));
        try (AlertWatcher alerts = new AlertWatcher(stack.kafka().bootstrapServers());
             TrafficDriver traffic = new TrafficDriver(client, ROUTE, DemoKeys.USERS)) {
            traffic.start(options.callsPerSecond());
            note(t0, "traffic starts: " + options.callsPerSecond() + " calls/s on route " + ROUTE);
            if (!deadline.await(() -> traffic.count(c -> c.ok() && GOOD.equals(c.promptVersion())) >= options.warmupCalls())) {
                return fail(t0, traffic, "no steady traffic on " + GOOD + " before the deadline");
            }
            long warm = System.currentTimeMillis();
            note(warm, "steady on " + GOOD + ": " + traffic.count(c -> c.ok()) + " calls served");

            GatewayClient.Response rel = client.release(ROUTE, DemoKeys.ADMIN, Map.of("production", BAD, "reason", "scenario " + NAME));
            long releasedAt = System.currentTimeMillis();
            if (rel.status() != 200) {
                return fail(t0, traffic, "release of " + BAD + " refused: " + rel.status() + " " + rel.body());
            }
            note(releasedAt, "release " + BAD + " to production (revision " + rel.body().path("revision").asLong() + ")");

            Predicate<Alert> badFiring = a -> a.state() == Alert.State.FIRING && BAD.equals(a.labels().get("promptVersion"));
            deadline.await(() -> alerts.first(badFiring).isPresent() && firstRollback().isPresent());
            Optional<AlertWatcher.Seen> fired = alerts.first(badFiring);
            Optional<AppliedCommand> applied = firstRollback();
            traffic.first(c -> !c.ok() && c.sentAt() >= releasedAt)
                    .ifPresent(c -> note(c.sentAt(), "first failed call on " + BAD + " (HTTP " + c.status() + ", refused upstream)"));
            fired.ifPresent(f -> {
                note(f.alert().startsAt(), "condition true: error rate over threshold with enough calls");
                note(f.seenAt(), "alert FIRING " + f.alert().alertId() + " (" + String.format("%.0f%%", 100 * f.alert().value()) + " errors)");
            });
            if (applied.isEmpty()) {
                return fail(t0, traffic, fired.isEmpty() ? "no alert fired before the deadline" : "no rollback applied before the deadline");
            }
            AppliedCommand cmd = applied.get();
            note(cmd.appliedAt(), "command " + cmd.commandId() + " applied: " + cmd.result());
            long appliedAt = cmd.appliedAt();
            if (!deadline.await(() -> traffic.first(c -> c.ok() && c.sentAt() >= appliedAt && GOOD.equals(c.promptVersion())).isPresent())) {
                return fail(t0, traffic, "traffic not back on " + GOOD + " before the deadline");
            }
            TrafficDriver.Call back = traffic.first(c -> c.ok() && c.sentAt() >= appliedAt && GOOD.equals(c.promptVersion())).get();
            note(back.doneAt(), "traffic back on " + GOOD);
            String rolledBackTo = stack.gateway().releases().current(ROUTE).map(s -> s.productionVersion()).orElse(null);
            boolean passed = GOOD.equals(rolledBackTo);
            Long detectToApply = fired.map(f -> appliedAt - f.alert().startsAt()).orElse(null);
            printTimeline(t0);
            return new ScenarioResult(NAME, passed, rolledBackTo, detectToApply, appliedAt - releasedAt,
                    traffic.count(c -> c.sentAt() >= releasedAt && c.sentAt() < appliedAt), traffic.count(c -> !c.ok()),
                    fired.map(f -> f.alert().alertId()).orElse(null), cmd.commandId(),
                    passed ? null : "production is " + rolledBackTo + " after the rollback");
        } finally {
            stack.upstream().setVersionProfile(BAD, FaultProfile.HEALTHY); // other scenarios serve a version of that name too
        }
    }

    private Optional<AppliedCommand> firstRollback() {
        return stack.gateway().commands().recent().stream()
                .filter(c -> c.type() == CommandType.ROLLBACK_PROMPT && c.result().startsWith("production "))
                .min(Comparator.comparingLong(AppliedCommand::appliedAt));
    }

    private ScenarioResult fail(long t0, TrafficDriver traffic, String reason) {
        note(System.currentTimeMillis(), "FAILED: " + reason);
        printTimeline(t0);
        return new ScenarioResult(NAME, false, null, null, null, 0, traffic.count(c -> !c.ok()), null, null, reason);
    }

    private void note(long at, String what) {
        timeline.note(at, what);
    }

    private void printTimeline(long t0) {
        timeline.print(out);
    }
}
