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

    @Test
    void shippedRuleFilesAreValid() {
        RuleSet set = RuleSetLoader.load(Path.of("../alert-rules"));
        assertThat(set.withAction(CommandType.ROLLBACK_PROMPT)).isNotEmpty();
        ThresholdRule r = set.rules().stream().filter(x -> x.id().equals("rollback-error-rate")).findFirst().orElseThrow();
        assertThat(r.threshold()).isEqualTo(0.10);
        assertThat(r.minSamples()).isEqualTo(20);
        assertThat(r.window()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void parsesEveryField() {
        ThresholdRule r = RuleSetLoader.parse(Map.of("ok.yaml", VALID)).rules().get(0);
        assertThat(r.op()).isEqualTo(Comparison.GT);
        assertThat(r.groupBy()).containsExactly("route", "promptId", "promptVersion");
        assertThat(r.tier()).isEqualTo(1);
        assertThat(r.action()).isEqualTo(CommandType.ROLLBACK_PROMPT);
        assertThat(r.source()).isEqualTo("ok.yaml:2");
        assertThat(r.render(r.summary(), Map.of("route", "claims"), 0.25)).isEqualTo("rate 0.2500 on claims");
    }

    @Test
    void reportsEveryProblemWithFileAndLine() {
        String yaml = """
                rules:
                  - id: Bad Id
                    metric: latency_p95
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
                .anySatisfy(s -> assertThat(s).startsWith("3: unsupported metric 'latency_p95'"))
                .anySatisfy(s -> assertThat(s).startsWith("4: unknown group label 'planet'"))
                .anySatisfy(s -> assertThat(s).startsWith("5: window 'soon' is not a duration"))
                .anySatisfy(s -> assertThat(s).startsWith("6: op '=>'"))
                .anySatisfy(s -> assertThat(s).startsWith("8: tier must be 1"))
                .anySatisfy(s -> assertThat(s).startsWith("9: unknown action 'REBOOT'"))
                .anySatisfy(s -> assertThat(s).startsWith("10: unknown key 'colour'"));
    }

    @Test
    void missingKeysRateRangeAndRollbackGroupingAreChecked() {
        assertThat(problems("rules:\n  - id: x\n    metric: error_rate\n"))
                .extracting(RuleProblem::reason).contains("missing required key 'group_by'", "missing required key 'window'",
                        "missing required key 'op'", "missing required key 'threshold'", "missing required key 'tier'");
        assertThat(problems(VALID.replace("0.10", "10"))).extracting(RuleProblem::reason)
                .anySatisfy(s -> assertThat(s).contains("between 0 and 1"));
        assertThat(problems(VALID.replace("[route, promptId, promptVersion]", "[route]"))).extracting(RuleProblem::reason)
                .anySatisfy(s -> assertThat(s).contains("must group by exactly [route, promptId, promptVersion]"));
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
