package dev.pilotlight.local.stack;

import java.nio.file.Path;

/**
 * Where the embedded stack finds its files and which ports it uses (0 = any free port).
 *
 * @param home the repository root: examples/prompts/ and config/ are read from it
 * @param rulesDir the alert rules the guard job starts with (the demo: home/alert-rules)
 */
public record StackOptions(Path home, Path rulesDir, int gatewayPort, int upstreamPort, int kafkaPort, long seed, int parallelism) {
    public static StackOptions defaults(Path home) {
        return new StackOptions(home, home.resolve("alert-rules"), 0, 0, 0, 42L, 1);
    }

    public Path promptsDir() {
        return home.resolve("examples/prompts");
    }

    public Path catalogFile() {
        return home.resolve("config/catalog.local.yaml");
    }

    /** The demo profile's drift windows: seconds, not an hour. */
    public Path driftSettingsFile() {
        return home.resolve("config/drift.demo.yaml");
    }

    /** The demo profile's usage day: 2 seconds, so a pilot's month plays in a minute (docs/usage.md, "Compressed time"). */
    public Path usageSettingsFile() {
        return home.resolve("config/usage.demo.yaml");
    }

    public Path apiKeysFile() {
        return home.resolve("config/api-keys.local.yaml");
    }
}
