package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.config.SettingsFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The usage module's settings (docs/usage.md, "Settings"): the defaults file shipped in the jar,
 * overridden key by key by the file given with {@code --usage-settings}. Validated at submission.
 */
public record UsageSettings(Duration day, Duration sessionGap, Duration refresh, int scorecardDays, int activationDays,
                            int firstMonthDays, int regularUses, int powerUses, double targetActivated, double targetRegular,
                            double targetPower, int maxListedUsers, int cohortsKept, int settledUsersKept, int forgetAfterDays,
                            double interveneActivationBelow, double interveneRegularBelow, int regularAfterDays,
                            double concentrationTop, double concentrationShare, int concentrationMinUsers,
                            double goWeeklyActive, double goAcceptance, double goSatisfaction, double stopAcceptance,
                            double stopSatisfaction, int minFeedback, int securityTier, String securityLabelKey,
                            String securityLabelValue, double labourRate, Map<String, Double> labourRates,
                            double platformCostPerYear, double buildCost, int roiYears, double targetValueToCost, Duration raterWindow,
                            double raterRatingsPerCall, int raterSlack, int raterBurstMin, double raterBurstShare,
                            int raterMaxPerWindow, Duration raterExcludeFor) implements Serializable {

    static final String DEFAULTS = "usage-defaults.yaml";
    private static final Set<String> KEYS = Set.of("day", "session_gap", "refresh", "scorecard_days", "activation_days",
            "first_month_days", "regular_uses", "power_uses", "target_activated", "target_regular", "target_power", "max_listed_users",
            "cohorts_kept", "settled_users_kept", "forget_after_days", "intervene_activation_below", "intervene_regular_below",
            "regular_after_days", "concentration_top", "concentration_share", "concentration_min_users", "go_weekly_active",
            "go_acceptance", "go_satisfaction", "stop_acceptance", "stop_satisfaction", "min_feedback", "security_tier",
            "security_label", "labour_rate_usd_per_hour", "labour_rates", "platform_cost_usd_per_year", "build_cost_usd", "roi_years",
            "target_value_to_cost", "rater_window", "rater_ratings_per_call", "rater_slack", "rater_burst_min", "rater_burst_share",
            "rater_max_per_window", "rater_exclude_for");

    /** Length of one usage day in ms. */
    public long dayMs() {
        return day.toMillis();
    }

    /** The usage day {@code at} falls in (days since the epoch, in usage days). */
    public long dayOf(long at) {
        return Math.floorDiv(at, dayMs());
    }

    /** {@code days} usage days in ms. */
    public long days(int days) {
        return days * dayMs();
    }

    /** The next refresh or day end after {@code at}: when scorecards and active-user counts are told. */
    public long nextTick(long at) {
        long every = refresh().toMillis();
        long dayEnd = (dayOf(at) + 1) * dayMs();
        return Math.min(dayEnd, (Math.floorDiv(at, every) + 1) * every);
    }

    /** Days kept for the figures: the scorecard window, and the 30 days MAU reads. */
    public int keptDays() {
        return Math.max(scorecardDays(), 30);
    }

    /** The burdened labour rate of a tenant, USD per hour. */
    public double labourRateOf(String tenant) {
        return tenant == null ? labourRate : labourRates.getOrDefault(tenant, labourRate);
    }

    /** The shipped defaults. */
    public static UsageSettings defaults() {
        try (InputStream in = UsageSettings.class.getResourceAsStream(DEFAULTS)) {
            return read(SettingsFile.parse(DEFAULTS, new String(in.readAllBytes(), StandardCharsets.UTF_8), KEYS), null);
        } catch (IOException e) {
            throw new IllegalStateException("the jar lacks " + DEFAULTS, e);
        }
    }

    /** The defaults with what {@code file} sets; @throws IllegalArgumentException with file:line: reason for every problem */
    public static UsageSettings load(Path file) {
        return read(SettingsFile.read(file, KEYS), defaults());
    }

    /** The defaults with {@code text} (named {@code name} in problems) over them; for tests and demos. */
    public static UsageSettings parse(String name, String text) {
        return read(SettingsFile.parse(name, text, KEYS), defaults());
    }

    private static UsageSettings read(SettingsFile f, UsageSettings d) {
        boolean none = d == null;
        String label = f.text("security_label", none ? "" : d.securityLabelKey + "=" + d.securityLabelValue);
        String[] kv = label.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank() || kv[1].isBlank()) {
            f.problem("security_label", "security_label must be key=value (the label a critical security alert carries), not '" + label + "'");
            kv = new String[] {"team", "security"};
        }
        Map<String, Double> rates = rates(f, f.text("labour_rates", none ? "" : format(d.labourRates)));
        UsageSettings s = new UsageSettings(
                f.duration("day", none ? null : d.day), f.duration("session_gap", none ? null : d.sessionGap),
                f.duration("refresh", none ? null : d.refresh),
                f.integer("scorecard_days", none ? 0 : d.scorecardDays, 7, 366),
                f.integer("activation_days", none ? 0 : d.activationDays, 1, 366),
                f.integer("first_month_days", none ? 0 : d.firstMonthDays, 7, 366),
                f.integer("regular_uses", none ? 0 : d.regularUses, 1, 100_000),
                f.integer("power_uses", none ? 0 : d.powerUses, 1, 100_000),
                f.number("target_activated", none ? 0 : d.targetActivated, 0, 1),
                f.number("target_regular", none ? 0 : d.targetRegular, 0, 1),
                f.number("target_power", none ? 0 : d.targetPower, 0, 1),
                f.integer("max_listed_users", none ? 0 : d.maxListedUsers, 0, 10_000),
                f.integer("cohorts_kept", none ? 0 : d.cohortsKept, 1, 520),
                f.integer("settled_users_kept", none ? 0 : d.settledUsersKept, 10, 1_000_000),
                f.integer("forget_after_days", none ? 0 : d.forgetAfterDays, 1, 3_650),
                f.number("intervene_activation_below", none ? 0 : d.interveneActivationBelow, 0, 1),
                f.number("intervene_regular_below", none ? 0 : d.interveneRegularBelow, 0, 1),
                f.integer("regular_after_days", none ? 0 : d.regularAfterDays, 1, 366),
                f.number("concentration_top", none ? 0 : d.concentrationTop, 0.01, 0.99),
                f.number("concentration_share", none ? 0 : d.concentrationShare, 0.01, 1),
                f.integer("concentration_min_users", none ? 0 : d.concentrationMinUsers, 2, 1_000_000),
                f.number("go_weekly_active", none ? 0 : d.goWeeklyActive, 0, 1),
                f.number("go_acceptance", none ? 0 : d.goAcceptance, 0, 1),
                f.number("go_satisfaction", none ? 0 : d.goSatisfaction, 1, 5),
                f.number("stop_acceptance", none ? 0 : d.stopAcceptance, 0, 1),
                f.number("stop_satisfaction", none ? 0 : d.stopSatisfaction, 1, 5),
                f.integer("min_feedback", none ? 0 : d.minFeedback, 1, 1_000_000),
                f.integer("security_tier", none ? 0 : d.securityTier, 1, 3), kv[0].trim(), kv[1].trim(),
                f.number("labour_rate_usd_per_hour", none ? 0 : d.labourRate, 0, 100_000), rates,
                f.number("platform_cost_usd_per_year", none ? 0 : d.platformCostPerYear, 0, 1e12),
                f.number("build_cost_usd", none ? 0 : d.buildCost, 0, 1e12),
                f.integer("roi_years", none ? 0 : d.roiYears, 1, 20),
                f.number("target_value_to_cost", none ? 0 : d.targetValueToCost, 0, 1e6),
                f.duration("rater_window", none ? null : d.raterWindow),
                f.number("rater_ratings_per_call", none ? 0 : d.raterRatingsPerCall, 0.1, 1000),
                f.integer("rater_slack", none ? 0 : d.raterSlack, 0, 1_000_000),
                f.integer("rater_burst_min", none ? 0 : d.raterBurstMin, 2, 1_000_000),
                f.number("rater_burst_share", none ? 0 : d.raterBurstShare, 0.5, 1),
                f.integer("rater_max_per_window", none ? 0 : d.raterMaxPerWindow, 1, 10_000_000),
                f.duration("rater_exclude_for", none ? null : d.raterExcludeFor));
        if (s.day.toMillis() < 1_000) {
            f.problem("day", "day must be at least 1s");
        }
        if (s.stopAcceptance > s.goAcceptance) {
            f.problem("stop_acceptance", "stop_acceptance must not exceed go_acceptance");
        }
        if (s.stopSatisfaction > s.goSatisfaction) {
            f.problem("stop_satisfaction", "stop_satisfaction must not exceed go_satisfaction");
        }
        if (s.powerUses < s.regularUses) {
            f.problem("power_uses", "power_uses must be at least regular_uses");
        }
        f.requireValid();
        return s;
    }

    private static Map<String, Double> rates(SettingsFile f, String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            try {
                double rate = Double.parseDouble(kv[1].trim());
                if (kv[0].isBlank() || rate < 0 || !Double.isFinite(rate)) {
                    throw new NumberFormatException();
                }
                out.put(kv[0].trim(), rate);
            } catch (RuntimeException e) {
                f.problem("labour_rates", "labour_rates must be tenant=rate pairs such as acme=75,globex=55, not '" + pair.trim() + "'");
            }
        }
        return Map.copyOf(out);
    }

    private static String format(Map<String, Double> rates) {
        return String.join(",", rates.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }
}
