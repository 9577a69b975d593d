package dev.pilotlight.testkit;

import java.nio.file.Path;

/** Files the tests read, relative to a module directory (where Maven runs each module's tests). */
public final class Fixtures {
    /** The tests' own rule set (testkit/fixtures/README.md), not the shipped alert-rules/. */
    public static final Path ALERT_RULES = Path.of("../testkit/fixtures/alert-rules");
    /** The repository root. */
    public static final Path HOME = Path.of("..");

    private Fixtures() {}
}
