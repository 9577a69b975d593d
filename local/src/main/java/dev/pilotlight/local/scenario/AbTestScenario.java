package dev.pilotlight.local.scenario;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.experiment.ArmSummary;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.gateway.control.AppliedCommand;
import dev.pilotlight.local.stack.EmbeddedStack;
import dev.pilotlight.testkit.DemoKeys;
import dev.pilotlight.testkit.http.GatewayClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Scenario {@code ab-test}: the pilot group uses claims-triage and rates every answer. Candidate 1.1.0
 * (accepted 80% of the time against production's 65%) runs at a 50% split until both arms have 1,000
 * ratings, wins the chi-square test and is promoted; then candidate 1.2.0 (accepted 50% of the time) is
 * rolled back the same way. The horizon is the shipped one; only the traffic is faster than a pilot's.
 */
public final class AbTestScenario {
    public static final String NAME = "ab-test";
    static final String ROUTE = "claims-triage";
    static final Map<String, Double> ACCEPTANCE = Map.of("1.0.0", 0.65, "1.1.0", 0.80, "1.2.0", 0.50);

    public record Options(int callsPerSecond, Duration deadline) {}

    /** One experiment: what it decided, on which figures, and how long the decision took to reach the gateway. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Run(String production, String candidate, String expected, String decision, long productionSamples, long candidateSamples,
                      Double productionAcceptance, Double candidateAcceptance, Double pValue, Double effect, Double effectLow,
                      Double effectHigh, Long decidedToAppliedMs, String commandId, String reason) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String scenario, boolean passed, List<Run> runs, Map<Integer, Long> refused, String reason) {}

    private final EmbeddedStack stack;
    private final Options options;
    private final PrintStream out;

    public AbTestScenario(EmbeddedStack stack, Options options, PrintStream out) {
        this.stack = stack;
        this.options = options;
        this.out = out;
    }

    public Result run() throws InterruptedException {
        long t0 = System.currentTimeMillis();
        ScenarioTimeline timeline = new ScenarioTimeline(NAME, t0);
        GatewayClient client = new GatewayClient(stack.gateway().baseUrl());
        ExperimentWatch watch = new ExperimentWatch(stack, client);
        List<Run> runs = new ArrayList<>();
        try (AlertWatcher alerts = new AlertWatcher(stack.kafka().bootstrapServers());
             RatedTraffic traffic = new RatedTraffic(client, ROUTE, ACCEPTANCE, 15)) {
            traffic.start(options.callsPerSecond());
            timeline.note(t0, "the pilot group uses " + ROUTE + " at " + options.callsPerSecond() + " calls/s and rates every answer "
                    + "(accepted: 1.0.0 65%, 1.1.0 80%, 1.2.0 50%)");
            runs.add(experiment(client, watch, alerts, traffic, timeline, "1.1.0", ExperimentState.Decision.PROMOTE, CommandType.PROMOTE_VARIANT));
            if (passed(runs.get(0))) {
                runs.add(experiment(client, watch, alerts, traffic, timeline, "1.2.0", ExperimentState.Decision.ROLLBACK,
                        CommandType.ROLLBACK_PROMPT));
            }
            timeline.print(out);
            String production = stack.gateway().releases().current(ROUTE).map(s -> s.productionVersion()).orElse(null);
            boolean passed = runs.size() == 2 && runs.stream().allMatch(AbTestScenario::passed) && "1.1.0".equals(production);
            String reason = passed ? "1.1.0 promoted, 1.2.0 rolled back, production " + production
                    : runs.stream().filter(r -> !passed(r)).map(Run::reason).findFirst().orElse("production is " + production);
            if (!passed) {
                out.println("  FAILED " + reason);
            }
            return new Result(NAME, passed, runs, traffic.failures(), reason);
        }
    }

    private static boolean passed(Run r) {
        return r.expected().equals(r.decision()) && r.decidedToAppliedMs() != null;
    }

    private Run experiment(GatewayClient client, ExperimentWatch watch, AlertWatcher alerts, RatedTraffic traffic, ScenarioTimeline timeline,
                           String candidate, ExperimentState.Decision expected, CommandType command) throws InterruptedException {
        String production = stack.gateway().releases().current(ROUTE).orElseThrow().productionVersion();
        GatewayClient.Response rel = client.release(ROUTE, DemoKeys.ADMIN, Map.of("candidate", candidate, "split", 0.5,
                "reason", "scenario " + NAME + ": A/B test of " + candidate));
        long releasedAt = System.currentTimeMillis();
        if (rel.status() != 200) {
            return failed(production, candidate, expected, "release of " + candidate + " refused: " + rel.status() + " " + rel.raw());
        }
        timeline.note(releasedAt, "candidate " + candidate + " against production " + production + " at a 50% split (revision "
                + rel.body().path("revision").asLong() + ")");
        Deadline deadline = Deadline.in(options.deadline());
        deadline.await(() -> watch.applied(ROUTE, command, releasedAt).isPresent());
        Optional<AppliedCommand> applied = watch.applied(ROUTE, command, releasedAt);
        Optional<ExperimentState> state = Optional.empty();
        if (applied.isPresent()) {
            deadline.await(() -> watch.experiment(ROUTE, candidate).filter(s -> s.decision() != null).isPresent());
            state = watch.experiment(ROUTE, candidate);
        }
        Optional<AlertWatcher.Seen> alert = alerts.first(a -> a.state() == Alert.State.FIRING && a.ruleId().equals("experiment-decision")
                && candidate.equals(a.labels().get("candidate")));
        if (applied.isEmpty() || state.isEmpty() || state.get().decision() == null) {
            return failed(production, candidate, expected, "no " + command + " of " + candidate + " applied within "
                    + options.deadline().toSeconds() + " s (ratings so far: " + production + " " + traffic.ratings(production) + ", "
                    + candidate + " " + traffic.ratings(candidate) + ")");
        }
        ExperimentState s = state.get();
        ArmSummary p = s.arms().get(0);
        ArmSummary c = s.arms().get(1);
        alert.ifPresent(a -> timeline.note(a.alert().startsAt(), String.format(Locale.ROOT,
                "rating that completed the horizon: %d production and %d candidate ratings", p.samples(), c.samples())));
        alert.ifPresent(a -> timeline.note(a.seenAt(), "tier-2 alert " + a.alert().ruleId() + ": " + a.alert().summary()));
        timeline.note(applied.get().appliedAt(), "gateway applied " + command + " " + applied.get().commandId() + ": " + applied.get().result());
        Long decidedToApplied = alert.map(a -> applied.get().appliedAt() - a.alert().startsAt()).orElse(null);
        String reason = s.decision() == expected ? s.reason() : "expected " + expected + ", the experiment decided " + s.decision() + ": " + s.reason();
        return new Run(production, candidate, expected.name(), s.decision().name(), p.samples(), c.samples(), p.acceptanceRate(),
                c.acceptanceRate(), s.pValue(), s.effect(), s.effectLow(), s.effectHigh(), decidedToApplied, s.commandId(), reason);
    }

    private static Run failed(String production, String candidate, ExperimentState.Decision expected, String reason) {
        return new Run(production, candidate, expected.name(), null, 0, 0, null, null, null, null, null, null, null, null, reason);
    }
}
