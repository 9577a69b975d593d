package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.config.SettingsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Set;

/**
 * The cost module's settings (docs/cost.md, "Settings"): the defaults file shipped in the jar,
 * overridden key by key by the file given with {@code --cost-settings}. Validated at submission.
 */
public record CostSettings(String timeZone, double maxCostPerCallUsd, long maxTokensPerCall, Set<String> freeModels, Set<String> knownModels,
                           int loopRepeats, Duration loopWindow, double rateJumpFactor, int rateMinPerMinute, int rateBaselineMinutes,
                           int rateMinHistory, int loopThrottlePerMinute, Duration loopThrottleFor, Duration loopIdleAfter,
                           Duration reissueAfter, Set<String> anomalyScopes, int anomalyWeeks, int anomalyMinWeeks, double anomalyScore,
                           double anomalyMinSpreadFraction, double anomalyMinRatio, double anomalyMinSpendUsd, int anomalyMinCalls,
                           int forecastDays, int forecastMinDays, Duration tokenWindow, double tokenFactor, int tokenMinCalls,
                           int tokenBaselineWindows, int tokenMinHistory, int spendersTop, Duration spendersEvery,
                           double spendersOutlierScore) implements Serializable {

    static final String DEFAULTS = "cost-defaults.yaml";
    private static final Set<String> KEYS = Set.of("time_zone", "max_cost_per_call_usd", "max_tokens_per_call", "free_models", "known_models",
            "loop_repeats", "loop_window", "rate_jump_factor", "rate_min_per_minute", "rate_baseline_minutes", "rate_min_history",
            "loop_throttle_per_minute", "loop_throttle_for", "loop_idle_after", "reissue_after", "anomaly_scopes", "anomaly_weeks",
            "anomaly_min_weeks", "anomaly_score", "anomaly_min_spread_fraction", "anomaly_min_ratio", "anomaly_min_spend_usd",
            "anomaly_min_calls", "forecast_days", "forecast_min_days", "token_window", "token_factor", "token_min_calls",
            "token_baseline_windows", "token_min_history", "spenders_top", "spenders_every", "spenders_outlier_score");

    public ZoneId zone() {
        return ZoneId.of(timeZone);
    }

    /** The shipped defaults. */
    public static CostSettings defaults() {
        try (InputStream in = CostSettings.class.getResourceAsStream(DEFAULTS)) {
            return read(SettingsFile.parse(DEFAULTS, new String(in.readAllBytes(), StandardCharsets.UTF_8), KEYS), null);
        } catch (IOException e) {
            throw new IllegalStateException("the jar lacks " + DEFAULTS, e);
        }
    }

    /** The defaults with what {@code file} sets; @throws IllegalArgumentException with file:line: reason for every problem */
    public static CostSettings load(Path file) {
        return read(SettingsFile.read(file, KEYS), defaults());
    }

    /** The defaults with {@code text} (named {@code name} in problems) over them; for tests and benches. */
    public static CostSettings parse(String name, String text) {
        return read(SettingsFile.parse(name, text, KEYS), defaults());
    }

    private static Set<String> names(String commaSeparated) {
        return Set.copyOf(Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList());
    }

    private static CostSettings read(SettingsFile f, CostSettings d) {
        boolean none = d == null;
        String zone = f.text("time_zone", none ? "UTC" : d.timeZone);
        try {
            ZoneId.of(zone);
        } catch (DateTimeException e) {
            f.problem("time_zone", "time_zone '" + zone + "' is not a time zone (an IANA name such as Europe/Berlin, or UTC)");
            zone = "UTC";
        }
        String free = f.text("free_models", none ? "" : String.join(",", d.freeModels));
        String known = f.text("known_models", none ? "" : String.join(",", d.knownModels));
        CostSettings s = new CostSettings(zone,
                f.number("max_cost_per_call_usd", none ? 0 : d.maxCostPerCallUsd, 0.000001, 1e6),
                f.integer("max_tokens_per_call", none ? 0 : (int) d.maxTokensPerCall, 1, Integer.MAX_VALUE),
                names(free), names(known),
                f.integer("loop_repeats", none ? 0 : d.loopRepeats, 2, 1_000_000),
                f.duration("loop_window", none ? null : d.loopWindow),
                f.number("rate_jump_factor", none ? 0 : d.rateJumpFactor, 1.5, 1e6),
                f.integer("rate_min_per_minute", none ? 0 : d.rateMinPerMinute, 1, 10_000_000),
                f.integer("rate_baseline_minutes", none ? 0 : d.rateBaselineMinutes, 1, 100_000),
                f.integer("rate_min_history", none ? 0 : d.rateMinHistory, 1, 100_000),
                f.integer("loop_throttle_per_minute", none ? 0 : d.loopThrottlePerMinute, 1, 1_000_000),
                f.duration("loop_throttle_for", none ? null : d.loopThrottleFor),
                f.duration("loop_idle_after", none ? null : d.loopIdleAfter),
                f.duration("reissue_after", none ? null : d.reissueAfter),
                names(f.text("anomaly_scopes", none ? "" : String.join(",", d.anomalyScopes))),
                f.integer("anomaly_weeks", none ? 0 : d.anomalyWeeks, 1, 52),
                f.integer("anomaly_min_weeks", none ? 0 : d.anomalyMinWeeks, 1, 52),
                f.number("anomaly_score", none ? 0 : d.anomalyScore, 1, 1000),
                f.number("anomaly_min_spread_fraction", none ? 0 : d.anomalyMinSpreadFraction, 0, 10),
                f.number("anomaly_min_ratio", none ? 0 : d.anomalyMinRatio, 1, 1000),
                f.number("anomaly_min_spend_usd", none ? 0 : d.anomalyMinSpendUsd, 0, 1e9),
                f.integer("anomaly_min_calls", none ? 0 : d.anomalyMinCalls, 0, Integer.MAX_VALUE),
                f.integer("forecast_days", none ? 0 : d.forecastDays, 1, 31),
                f.integer("forecast_min_days", none ? 0 : d.forecastMinDays, 1, 31),
                f.duration("token_window", none ? null : d.tokenWindow),
                f.number("token_factor", none ? 0 : d.tokenFactor, 1.1, 1000),
                f.integer("token_min_calls", none ? 0 : d.tokenMinCalls, 1, Integer.MAX_VALUE),
                f.integer("token_baseline_windows", none ? 0 : d.tokenBaselineWindows, 1, 100_000),
                f.integer("token_min_history", none ? 0 : d.tokenMinHistory, 1, 100_000),
                f.integer("spenders_top", none ? 0 : d.spendersTop, 1, 1_000),
                f.duration("spenders_every", none ? null : d.spendersEvery),
                f.number("spenders_outlier_score", none ? 0 : d.spendersOutlierScore, 0.5, 1000));
        for (String scope : s.anomalyScopes) {
            if (!java.util.List.of("user", "tenant", "route").contains(scope)) {
                f.problem("anomaly_scopes", "anomaly_scopes lists '" + scope + "'; each must be user, tenant or route");
            }
        }
        if (s.anomalyMinWeeks > s.anomalyWeeks) {
            f.problem("anomaly_min_weeks", "anomaly_min_weeks must not exceed anomaly_weeks (the history kept)");
        }
        if (s.loopIdleAfter.compareTo(s.loopWindow) < 0) {
            f.problem("loop_idle_after", "loop_idle_after must be at least loop_window");
        }
        f.requireValid();
        return s;
    }
}
