package dev.pilotlight.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.UnaryOperator;

/**
 * Copies of the demo catalog ({@code config/catalog.local.yaml}) changed for one run, with the JSON schemas it
 * names copied beside it (its routes refer to them by relative path): for a gateway that must start with other
 * settings than the demo's (tests, benchmarks).
 */
public final class DemoCatalog {
    private DemoCatalog() {}

    /** The demo catalog changed by {@code edit}, written to {@code dir}/catalog.yaml (created); its path. */
    public static Path copy(Path home, Path dir, UnaryOperator<String> edit) throws IOException {
        Path schemas = Files.createDirectories(dir.resolve("schemas"));
        try (var files = Files.list(home.resolve("config/schemas"))) {
            for (Path f : files.toList()) {
                Files.copy(f, schemas.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path catalog = dir.resolve("catalog.yaml");
        Files.writeString(catalog, edit.apply(Files.readString(home.resolve("config/catalog.local.yaml"))));
        return catalog;
    }

    /** An edit that sets every provider's call timeout (the demo's is 10 s) to {@code timeout}, e.g. "300ms". */
    public static UnaryOperator<String> providerTimeout(String timeout) {
        return text -> text.replace("timeout: 10s", "timeout: " + timeout);
    }
}
