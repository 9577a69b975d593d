package dev.pilotlight.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Files the tests read, relative to a module directory (where Maven runs each module's tests). */
public final class Fixtures {
    /** The tests' own rule set (testkit/fixtures/README.md), not the shipped alert-rules/. */
    public static final Path ALERT_RULES = Path.of("../testkit/fixtures/alert-rules");
    /** The repository root. */
    public static final Path HOME = Path.of("..");

    private Fixtures() {}

    /**
     * A tier-3 rule file whose rule {@code id} fires once more than three calls on {@code route} arrive
     * within a minute: proof that a rule set (published, or of an upgrade) is the one in force.
     */
    public static String probeRule(String id, String route) {
        return """
                rules:
                  - id: %s
                    metric: calls
                    where:
                      - {field: route, op: "==", value: %s}
                    group_by: [route]
                    window: 1m
                    op: ">"
                    threshold: 3
                    tier: 3
                """.formatted(id, route);
    }

    /**
     * A copy of the tests' rule set in {@code dir} (created), plus {@code extra} files (name → YAML): for a
     * test that publishes, upgrades to or starts a job with rules of its own.
     */
    public static Path alertRulesWith(Path dir, Map<String, String> extra) {
        try {
            Files.createDirectories(dir);
            try (var files = Files.list(ALERT_RULES)) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve(f.getFileName()));
                }
            }
            for (Map.Entry<String, String> e : extra.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("copying " + ALERT_RULES + " to " + dir, e);
        }
    }
}
