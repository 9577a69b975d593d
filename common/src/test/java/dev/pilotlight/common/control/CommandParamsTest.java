package dev.pilotlight.common.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleValidationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One schema of command params, the same at rule-check, issue and apply time. */
class CommandParamsTest {
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void aThrottleOfZeroPerMinuteIsRefusedEverywhere() {
        assertThat(CommandParams.problems(CommandType.THROTTLE_USER, Map.of("perMinute", "0"), NOW))
                .containsExactly("THROTTLE_USER param 'perMinute' must be between 1 and 1000000, not 0");
        assertThat(CommandParams.problemsInRule(CommandType.THROTTLE_USER, Map.of("perMinute", "0"))).hasSize(1);
        assertThat(CommandParams.problems(CommandType.THROTTLE_USER, Map.of("perMinute", "1.5"), NOW)).singleElement()
                .asString().contains("whole number");
        assertThat(CommandParams.problems(CommandType.THROTTLE_USER, Map.of("perMinute", "30"), NOW)).isEmpty();
    }

    @Test
    void eachKindOfValueIsChecked() {
        assertThat(CommandParams.problems(CommandType.SET_SPLIT, Map.of("split", "abc"), NOW)).singleElement().asString().contains("between 0 and 1");
        assertThat(CommandParams.problems(CommandType.SET_SPLIT, Map.of("split", "NaN"), NOW)).hasSize(1);
        assertThat(CommandParams.problems(CommandType.SET_SPLIT, Map.of("split", "0.2", "candidate", "1.1.0"), NOW)).isEmpty();
        assertThat(CommandParams.problems(CommandType.PROMOTE_VARIANT, Map.of("version", "../../etc"), NOW)).hasSize(1);
        assertThat(CommandParams.problems(CommandType.ROUTE_MODEL, Map.of("model", "sim model"), NOW)).hasSize(1);
        assertThat(CommandParams.problems(CommandType.PAUSE_ROUTE, Map.of("paused", "yes"), NOW)).hasSize(1);
        assertThat(CommandParams.problems(CommandType.BLOCK_USER, Map.of("until", String.valueOf(NOW + 400L * 86_400_000)), NOW))
                .singleElement().asString().contains("more than a year");
        assertThat(CommandParams.problems(CommandType.BLOCK_USER, Map.of("colour", "red"), NOW)).singleElement().asString()
                .contains("has no param 'colour'");
        assertThat(CommandParams.problems(CommandType.ROLLBACK_PROMPT, Map.of(), NOW)).containsExactly("ROLLBACK_PROMPT needs param 'fromVersion'");
        assertThat(CommandParams.problems(CommandType.ROLLBACK_PROMPT,
                Map.of("fromVersion", "1.1.0", "toVersion", "1.0.0", "revision", "7", "route", "claims-letter", "until", String.valueOf(NOW)), NOW))
                .isEmpty();
    }

    @Test
    void aRuleMayNotSetWhatTheGuardFillsIn() {
        assertThat(CommandParams.problemsInRule(CommandType.ROLLBACK_PROMPT, Map.of())).isEmpty();
        assertThat(CommandParams.problemsInRule(CommandType.ROLLBACK_PROMPT, Map.of("toVersion", "0.0.1"))).singleElement().asString()
                .contains("set by the guard");
    }

    @Test
    void ruleCheckNamesTheFileLineAndTheParam() {
        String yaml = """
                rules:
                  - id: slow-down
                    metric: calls
                    group_by: [userId]
                    window: 1m
                    op: ">"
                    threshold: 100
                    tier: 2
                    action: {type: THROTTLE_USER, params: {perMinute: "0"}}
                """;
        try {
            RuleSetLoader.parse(Map.of("throttle.yaml", yaml));
            throw new AssertionError("perMinute 0 passed rules check");
        } catch (RuleValidationException e) {
            assertThat(e.getMessage()).contains("throttle.yaml:9: action THROTTLE_USER param 'perMinute' must be between 1 and 1000000, not 0");
        }
    }
}
