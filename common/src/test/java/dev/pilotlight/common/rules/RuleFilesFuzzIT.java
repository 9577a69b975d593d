package dev.pilotlight.common.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Rule files mangled every way a hand or a script mangles them (lines dropped, duplicated, moved,
 * values swapped for other types, stray keys, odd characters): a file either loads, or every problem
 * comes back with its file, line and reason. Nothing else ever escapes the reader.
 */
class RuleFilesFuzzIT {
    private static final String VALID = """
            rules:
              - id: rollback-error-rate
                description: a release whose calls fail is rolled back
                metric: error_rate
                where:
                  - {field: status, op: in, value: [ERROR, TIMEOUT]}
                group_by: [route, promptId, promptVersion]
                window: 60s
                op: ">"
                threshold: 0.10
                min_samples: 20
                min_users: 3
                for: 10s
                tier: 1
                action: ROLLBACK_PROMPT
                labels: {team: platform}
                annotations:
                  summary: "Error rate {{value}} on {{route}}"
                  runbook: docs/runbooks/rollback.md
              - id: throttle-hot-users
                metric: calls
                group_by: [userId]
                window: 1m
                op: ">"
                threshold: 100
                tier: 2
                action: {type: THROTTLE_USER, params: {perMinute: "30"}, for: 1h}
              - id: burst
                kind: sequence
                stream: invocations
                pattern: count
                first: [{field: outputFlags, op: contains, value: injection}]
                times: 3
                within: 10m
                group_by: [userId]
                tier: 1
                action: {type: BLOCK_USER, for: 1h}
              - id: gateway-down
                kind: absence
                stream: heartbeats
                group_by: [gatewayId]
                for: 30s
                tier: 1
            """;
    private static final List<String> JUNK = List.of("", "~", "null", "-1", "1e999", "\"\"", "[]", "{}", "[[[[", "{a: {b: {c: [d]}}}",
            "&anchor x", "*alias", "!!binary AAAA", "\"\\u0000\"", "é\u200b", "ROLLBACK_PROMPT", "99999999999999999999", "0x10",
            "'unterminated", "|\n  block", "? complex key", "- item", ": colon", "%directive", "@at", "`tick`", "\t", "NaN");

    @Property(tries = 3000)
    void aMangledRuleFileLoadsOrNamesFileLineAndReasonForEveryProblem(@ForAll("mangled") String yaml) {
        try {
            RuleSet set = RuleSetLoader.parse(Map.of("fuzz.yaml", yaml));
            assertThat(set.rules()).allSatisfy(r -> assertThat(r.id()).isNotBlank());
        } catch (RuleValidationException e) {
            assertThat(e.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.file()).isEqualTo("fuzz.yaml");
                assertThat(p.line()).isPositive();
                assertThat(p.reason()).isNotBlank();
            });
        }
    }

    @Provide
    Arbitrary<String> mangled() {
        Arbitrary<Integer> edits = Arbitraries.integers().between(1, 6);
        Arbitrary<Long> seeds = Arbitraries.longs();
        return Combinators.combine(edits, seeds).as((n, seed) -> mangle(VALID, n, new java.util.Random(seed)));
    }

    private static String mangle(String yaml, int edits, java.util.Random random) {
        List<String> lines = new ArrayList<>(List.of(yaml.split("\n")));
        for (int i = 0; i < edits && !lines.isEmpty(); i++) {
            int at = random.nextInt(lines.size());
            String line = lines.get(at);
            switch (random.nextInt(7)) {
                case 0 -> lines.remove(at);
                case 1 -> lines.add(at, line);
                case 2 -> lines.add(random.nextInt(lines.size()), lines.remove(at));
                case 3 -> lines.set(at, line.contains(":") ? line.substring(0, line.indexOf(':') + 1) + " " + pick(random) : pick(random));
                case 4 -> lines.add(at, line.replaceAll("\\S.*", "") + "stray_" + random.nextInt(9) + ": " + pick(random));
                case 5 -> lines.set(at, " ".repeat(random.nextInt(5)) + line.strip());
                default -> lines.set(at, line + pick(random));
            }
        }
        return String.join("\n", lines) + "\n";
    }

    private static String pick(java.util.Random random) {
        return JUNK.get(random.nextInt(JUNK.size()));
    }
}
