package dev.pilotlight.jobs.drift;

import dev.pilotlight.common.config.SettingsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The drift module's settings (docs/drift.md, "Settings"): the defaults file shipped in the jar,
 * overridden key by key by the file given with {@code --drift-settings}. Validated at submission.
 */
public record DriftSettings(Duration window, int trailingWindows, int minSamples, int performanceMinSamples,
                            double significance, int largeReference, double jsThreshold, double wassersteinThreshold,
                            int maxCategories, int maxVersionsPerRoute, Duration releaseLookback, double cusumK, double cusumH)
        implements Serializable {

    static final String DEFAULTS = "drift-defaults.yaml";
    private static final Set<String> KEYS = Set.of("window", "trailing_windows", "min_samples", "performance_min_samples",
            "significance", "large_reference", "js_threshold", "wasserstein_threshold", "max_categories",
            "max_versions_per_route", "release_lookback", "cusum_k", "cusum_h");

    /** The shipped defaults. */
    public static DriftSettings defaults() {
        try (InputStream in = DriftSettings.class.getResourceAsStream(DEFAULTS)) {
            return read(SettingsFile.parse(DEFAULTS, new String(in.readAllBytes(), StandardCharsets.UTF_8), KEYS), null);
        } catch (IOException e) {
            throw new IllegalStateException("the jar lacks " + DEFAULTS, e);
        }
    }

    /** The defaults with what {@code file} sets; @throws IllegalArgumentException with file:line: reason for every problem */
    public static DriftSettings load(Path file) {
        return read(SettingsFile.read(file, KEYS), defaults());
    }

    private static DriftSettings read(SettingsFile f, DriftSettings d) {
        DriftSettings s = new DriftSettings(
                f.duration("window", d == null ? null : d.window),
                f.integer("trailing_windows", d == null ? 0 : d.trailingWindows, 1, 1_000),
                f.integer("min_samples", d == null ? 0 : d.minSamples, 10, 1_000_000),
                f.integer("performance_min_samples", d == null ? 0 : d.performanceMinSamples, 10, 1_000_000),
                f.number("significance", d == null ? 0 : d.significance, 1e-9, 0.5),
                f.integer("large_reference", d == null ? 0 : d.largeReference, 0, Integer.MAX_VALUE),
                f.number("js_threshold", d == null ? 0 : d.jsThreshold, 0.001, 0.83),
                f.number("wasserstein_threshold", d == null ? 0 : d.wassersteinThreshold, 0.001, 100),
                f.integer("max_categories", d == null ? 0 : d.maxCategories, 2, 1_000),
                f.integer("max_versions_per_route", d == null ? 0 : d.maxVersionsPerRoute, 2, 100),
                f.duration("release_lookback", d == null ? null : d.releaseLookback),
                f.number("cusum_k", d == null ? 0 : d.cusumK, 0, 10),
                f.number("cusum_h", d == null ? 0 : d.cusumH, 0.1, 1000));
        f.requireValid();
        return s;
    }

    /** α of one feature's test: the family-wise significance split over the module's features (Bonferroni). */
    public double perFeatureSignificance() {
        return significance / DriftFeature.values().length;
    }

    /** The span of the trailing reference. */
    public Duration trailingSpan() {
        return window.multipliedBy(trailingWindows);
    }
}
