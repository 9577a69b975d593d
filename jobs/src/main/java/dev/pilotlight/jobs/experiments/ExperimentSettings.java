package dev.pilotlight.jobs.experiments;

import dev.pilotlight.common.config.SettingsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The experiments module's settings (docs/experiments.md, "Settings"): the defaults file shipped in the
 * jar, overridden key by key by the file given with {@code --experiment-settings}. Validated at submission.
 */
public record ExperimentSettings(double alpha, int minSamples, Duration maxDuration, int minRaters, double maxRaterShare,
                                 double srmP, int srmMinUsers, int maxTrackedUsers, int guardrailMinCalls, double errorRateMargin,
                                 double guardrailAlpha, double latencyP95Margin, double costMargin, Duration attributionWindow,
                                 Duration feedbackGrace, Duration publishEvery, String method, double msprtTau, int sequentialMinSamples,
                                 int sequentialMaxSamples) implements Serializable {

    public static final String FIXED = "fixed";
    public static final String SEQUENTIAL = "sequential";

    /** Fixed-horizon settings (what the tests of the fixed method write out). */
    public ExperimentSettings(double alpha, int minSamples, Duration maxDuration, int minRaters, double maxRaterShare, double srmP,
                              int srmMinUsers, int maxTrackedUsers, int guardrailMinCalls, double errorRateMargin, double guardrailAlpha,
                              double latencyP95Margin, double costMargin, Duration attributionWindow, Duration feedbackGrace,
                              Duration publishEvery) {
        this(alpha, minSamples, maxDuration, minRaters, maxRaterShare, srmP, srmMinUsers, maxTrackedUsers, guardrailMinCalls,
                errorRateMargin, guardrailAlpha, latencyP95Margin, costMargin, attributionWindow, feedbackGrace, publishEvery, FIXED, 0.05,
                100, 10_000);
    }

    /** These settings with the sequential method. */
    public ExperimentSettings sequential(double tau, int minSamplesFirst, int maxSamples) {
        return new ExperimentSettings(alpha, minSamples, maxDuration, minRaters, maxRaterShare, srmP, srmMinUsers, maxTrackedUsers,
                guardrailMinCalls, errorRateMargin, guardrailAlpha, latencyP95Margin, costMargin, attributionWindow, feedbackGrace,
                publishEvery, SEQUENTIAL, tau, minSamplesFirst, maxSamples);
    }

    public boolean sequential() {
        return SEQUENTIAL.equals(method);
    }

    static final String DEFAULTS = "experiments-defaults.yaml";
    private static final Set<String> KEYS = Set.of("alpha", "min_samples", "max_duration", "min_raters", "max_rater_share", "srm_p",
            "srm_min_users", "max_tracked_users", "guardrail_min_calls", "error_rate_margin", "guardrail_alpha", "latency_p95_margin",
            "cost_margin", "attribution_window", "feedback_grace", "publish_every", "method", "msprt_tau", "sequential_min_samples",
            "sequential_max_samples");

    /** The shipped defaults. */
    public static ExperimentSettings defaults() {
        try (InputStream in = ExperimentSettings.class.getResourceAsStream(DEFAULTS)) {
            return read(SettingsFile.parse(DEFAULTS, new String(in.readAllBytes(), StandardCharsets.UTF_8), KEYS), null);
        } catch (IOException e) {
            throw new IllegalStateException("the jar lacks " + DEFAULTS, e);
        }
    }

    /** The defaults with what {@code file} sets; @throws IllegalArgumentException with file:line: reason for every problem */
    public static ExperimentSettings load(Path file) {
        return read(SettingsFile.read(file, KEYS), defaults());
    }

    private static ExperimentSettings read(SettingsFile f, ExperimentSettings d) {
        boolean none = d == null;
        ExperimentSettings s = new ExperimentSettings(
                f.number("alpha", none ? 0 : d.alpha, 1e-6, 0.5),
                f.integer("min_samples", none ? 0 : d.minSamples, 10, 100_000_000),
                f.duration("max_duration", none ? null : d.maxDuration),
                f.integer("min_raters", none ? 0 : d.minRaters, 1, 1_000_000),
                f.number("max_rater_share", none ? 0 : d.maxRaterShare, 0.001, 1),
                f.number("srm_p", none ? 0 : d.srmP, 1e-12, 0.5),
                f.integer("srm_min_users", none ? 0 : d.srmMinUsers, 2, 1_000_000),
                f.integer("max_tracked_users", none ? 0 : d.maxTrackedUsers, 100, 100_000_000),
                f.integer("guardrail_min_calls", none ? 0 : d.guardrailMinCalls, 10, 100_000_000),
                f.number("error_rate_margin", none ? 0 : d.errorRateMargin, 0, 1),
                f.number("guardrail_alpha", none ? 0 : d.guardrailAlpha, 1e-9, 0.5),
                f.number("latency_p95_margin", none ? 0 : d.latencyP95Margin, 0, 100),
                f.number("cost_margin", none ? 0 : d.costMargin, 0, 100),
                f.duration("attribution_window", none ? null : d.attributionWindow),
                f.duration("feedback_grace", none ? null : d.feedbackGrace),
                f.duration("publish_every", none ? null : d.publishEvery),
                f.choice("method", none ? null : d.method, java.util.List.of(FIXED, SEQUENTIAL)),
                f.number("msprt_tau", none ? 0 : d.msprtTau, 0.001, 1),
                f.integer("sequential_min_samples", none ? 0 : d.sequentialMinSamples, 10, 100_000_000),
                f.integer("sequential_max_samples", none ? 0 : d.sequentialMaxSamples, 10, 100_000_000));
        if (s.sequentialMaxSamples() <= s.sequentialMinSamples()) {
            f.problem("sequential_max_samples", "sequential_max_samples must be larger than sequential_min_samples");
        }
        f.requireValid();
        return s;
    }
}
