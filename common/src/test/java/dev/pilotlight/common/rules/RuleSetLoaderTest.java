package dev.pilotlight.common.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.common.control.CommandType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleSetLoaderTest {

    private static final String VALID = """
            rules:
              - id: rollback-error-rate
                metric: error_rate
                group_by: [route, promptId, promptVersion]
                window: 60s
                op: ">"
                threshold: 0.10
                min_samples: 20
                tier: 1
                action: ROLLBACK_PROMPT
                annotations:
                  summary: "rate {{value}} on {{route}}"
            """;

    private static List<RuleProblem> problems(String yaml) {
        try {
            RuleSetLoader.parse(Map.of("bad.yaml", yaml));
        } catch (RuleValidationException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    /** The one test of the shipped alert-rules/: they load and validate, and keep their shape; their numbers are
     *  the operator's to retune (every other test reads testkit/fixtures/alert-rules). */
    @Test
    void shippedRuleFilesLoadAndValidate() {
        RuleSet set = RuleSetLoader.load(Path.of("../alert-rules"));
        assertThat(set.withAction(CommandType.ROLLBACK_PROMPT)).isNotEmpty();
        assertThat(set.rules()).extracting(x -> x.alert().tier()).contains(1, 2, 3);
        assertThat(set.absences()).isNotEmpty();
        assertThat(set.sequences()).isNotEmpty();
    }

    @Test
    void parsesEveryField() {
        ThresholdRule r = RuleSetLoader.parse(Map.of("ok.yaml", VALID)).thresholds().get(0);
        assertThat(r.op()).isEqualTo(Comparison.GT);
        assertThat(r.metric()).isEqualTo(Metric.ERROR_RATE);
        assertThat(r.groupBy()).containsExactly("route", "promptId", "promptVersion");
        assertThat(r.alert().tier()).isEqualTo(1);
        assertThat(r.action().type()).isEqualTo(CommandType.ROLLBACK_PROMPT);
        assertThat(r.holdFor()).isZero();
        assertThat(r.keepFiringFor()).isZero();
        assertThat(r.source()).isEqualTo("ok.yaml:2");
        assertThat(r.alert().render(r.alert().summary(), r.id(), r.window(), Map.of("route", "claims"), 0.25, 0.1))
                .isEqualTo("rate 0.2500 on claims");
    }

    @Test
    void parsesConditionsBaselinesAndEveryKind() {
        RuleSet set = RuleSetLoader.parse(Map.of("k.yaml", """
                rules:
                  - id: slow-claims
                    metric: latency_p95
                    where:
                      - {field: status, op: in, value: [OK, ERROR]}
                      - {field: inputChars, op: ">", value: 100}
                    group_by: [route]
                    window: 5m
                    op: ">"
                    threshold: 1.5
                    baseline: {kind: moving_average, over: 1h}
                    for: 10m
                    keep_firing_for: 5m
                    tier: 2
                  - id: silent
                    kind: absence
                    stream: heartbeats
                    for: 30s
                    tier: 1
                  - id: edit-then-reject
                    kind: sequence
                    stream: feedback
                    pattern: followed_by
                    first: [{field: acceptance, value: HEAVY_EDITS}]
                    then: [{field: acceptance, value: REJECTED}]
                    within: 1h
                    group_by: [userId]
                    tier: 3
                """));
        ThresholdRule t = set.thresholds().get(0);
        assertThat(t.where()).extracting(Condition::op).containsExactly(Condition.Op.IN, Condition.Op.GT);
        assertThat(t.baseline()).isEqualTo(new Baseline(Baseline.Kind.MOVING_AVERAGE, Duration.ofHours(1)));
        assertThat(t.effectiveThreshold(200)).isEqualTo(300);
        assertThat(t.holdFor()).isEqualTo(Duration.ofMinutes(10));
        assertThat(set.absences().get(0).groupBy()).isEmpty();
        assertThat(set.absences().get(0).silence()).isEqualTo(Duration.ofSeconds(30));
        SequenceRule s = set.sequences().get(0);
        assertThat(s.kind()).isEqualTo(SequenceRule.Kind.FOLLOWED_BY);
        assertThat(s.keepFiringFor()).isEqualTo(Duration.ofHours(1)); // defaults to 'within'
    }

    @Test
    void aMappingWhereAKeyBelongsIsAProblemNotACrash() { // found by RuleFilesFuzzIT
        String yaml = """
                rules:
                  - id: odd
                    metric: calls
                    where:
                      - {field: status, value: OK}: colon
                    window: 1m
                    op: ">"
                    threshold: 1
                    tier: 3
                    action: {{type: PAUSE_ROUTE}: x}
                    annotations: {{summary: x}: y}
                """;
        assertThat(problems(yaml)).extracting(p -> p.line() + ": " + p.reason())
                .anySatisfy(s -> assertThat(s).startsWith("5: where: unknown condition key '{…}'"))
                .anySatisfy(s -> assertThat(s).startsWith("10: unknown action key '{…}'"))
                .anySatisfy(s -> assertThat(s).startsWith("11: unknown annotations key '{…}'"));
    }

    @Test
    void reportsEveryProblemWithFileAndLine() {
        String yaml = """
                rules:
                  - id: Bad Id
                    metric: latency_p97
                    group_by: [route, planet]
                    window: soon
                    op: "=>"
                    threshold: 1.5
                    tier: 4
                    action: REBOOT
                    colour: red
                """;
        List<RuleProblem> ps = problems(yaml);
        assertThat(ps).extracting(RuleProblem::file).containsOnly("bad.yaml");
        assertThat(ps).extracting(p -> p.line() + ": " + p.reason()).anySatisfy(s -> assertThat(s).startsWith("2: id 'Bad Id'"))
                .anySatisfy(s -> assertThat(s).startsWith("3: unknown metric 'latency_p97'"))
                .anySatisfy(s -> assertThat(s).startsWith("5: window 'soon' is not a duration"))
                .anySatisfy(s -> assertThat(s).startsWith("6: op '=>'"))
                .anySatisfy(s -> assertThat(s).startsWith("8: tier must be 1"))
                .anySatisfy(s -> assertThat(s).startsWith("9: unknown action 'REBOOT'"))
                .anySatisfy(s -> assertThat(s).startsWith("10: unknown key 'colour' for a threshold rule"));
        assertThat(problems(VALID.replace("[route, promptId, promptVersion]", "[route, planet, promptId, promptVersion]")))
                .extracting(p -> p.line() + ": " + p.reason())
                .anySatisfy(s -> assertThat(s).startsWith("4: unknown group label 'planet' (invocations can be grouped by [degraded, errorType, experimentId, finishReason, gatewayId,"));
    }

    @Test
    void missingKeysRateRangeAndRollbackGroupingAreChecked() {
        assertThat(problems("rules:\n  - id: x\n    metric: error_rate\n"))
                .extracting(RuleProblem::reason).contains("missing required key 'group_by'", "missing required key 'window'",
                        "missing required key 'op'", "missing required key 'threshold'",
                        "missing required key 'tier' (1 page, 2 chat, 3 daily digest)");
        assertThat(problems(VALID.replace("0.10", "10"))).extracting(RuleProblem::reason)
                .anySatisfy(s -> assertThat(s).contains("between 0 and 1"));
        assertThat(problems(VALID.replace("[route, promptId, promptVersion]", "[route]"))).extracting(RuleProblem::reason)
                .anySatisfy(s -> assertThat(s).contains("must group by exactly [route, promptId, promptVersion]"));
    }

    @Test
    void conditionsActionsAndSequencesAreChecked() {
        List<RuleProblem> ps = problems("""
                rules:
                  - id: a
                    metric: calls
                    where:
                      - {field: colour, value: red}
                      - {field: latencyMs, op: ">", value: fast}
                      - {field: status, op: in, value: OK}
                    group_by: [route]
                    window: 1m
                    op: ">"
                    threshold: 2
                    baseline: {kind: moving_average, over: 90s}
                    tier: 2
                    action: {type: THROTTLE_USER}
                  - id: b
                    kind: sequence
                    stream: invocations
                    pattern: count
                    first: [{field: status, value: ERROR}]
                    within: 5m
                    group_by: [userId]
                    tier: 1
                    action: ROLLBACK_PROMPT
                  - id: c
                    kind: weather
                """);
        assertThat(ps).extracting(p -> p.line() + ": " + p.reason())
                .anySatisfy(s -> assertThat(s).startsWith("5: where: invocations have no field 'colour'"))
                .anySatisfy(s -> assertThat(s).startsWith("6: where: '>' compares numbers, not 'fast'"))
                .anySatisfy(s -> assertThat(s).startsWith("7: where: 'in' needs a list value"))
                .anySatisfy(s -> assertThat(s).startsWith("12: baseline.over must be a whole number of windows (window 1m)"))
                .anySatisfy(s -> assertThat(s).startsWith("14: action THROTTLE_USER targets a userId, so group_by must include userId"))
                .anySatisfy(s -> assertThat(s).startsWith("14: action THROTTLE_USER needs param 'perMinute'"))
                .anySatisfy(s -> assertThat(s).startsWith("15: missing required key 'times'"))
                .anySatisfy(s -> assertThat(s).startsWith("23: ROLLBACK_PROMPT is an action of threshold rules only"))
                .anySatisfy(s -> assertThat(s).startsWith("24: unknown kind 'weather'"));
    }

    @Test
    void duplicateIdsAcrossFilesAreReportedWithTheFirstPlace() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("a.yaml", VALID);
        files.put("b.yaml", VALID);
        assertThatThrownBy(() -> RuleSetLoader.parse(files)).isInstanceOf(RuleValidationException.class)
                .hasMessageContaining("b.yaml:2: duplicate rule id 'rollback-error-rate' (first defined at a.yaml:2)");
    }

    @Test
    void yamlSyntaxErrorsAndEmptyFilesHaveALine() {
        List<RuleProblem> ps = problems("rules:\n  - id: x\n   metric: [unclosed\n");
        assertThat(ps.get(0).reason()).startsWith("YAML syntax");
        assertThat(ps.get(0).line()).isGreaterThan(0);
        assertThat(problems("")).extracting(RuleProblem::reason).containsExactly("file is empty; expected a 'rules:' list");
    }

    @Test
    void directoryWithoutRulesOrMissingPathIsAnError(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> RuleSetLoader.load(dir)).hasMessageContaining("no rule files");
        assertThatThrownBy(() -> RuleSetLoader.load(dir.resolve("nope"))).hasMessageContaining("no such file or directory");
        Files.writeString(dir.resolve("r.yaml"), VALID);
        assertThat(RuleSetLoader.load(dir).version()).hasSize(12);
    }
}
