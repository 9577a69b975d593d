package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.usage.Scorecard;
import java.util.Locale;

/**
 * Decides the value of a route's answers and projects its ROI (docs/usage.md, "ROI"). Value = time saved as
 * users report it, at their tenant's burdened labour rate. Over the window's observed days, annualised
 * (× 365 / days): expected = the reported value; best case = every answered call saving the mean value per
 * report. Net over {@code roi_years} = years × (annual value − annual AI cost − platform cost) − build cost. A tenant's
 * projection is its marginal return: the platform and build costs are the route's, and its scorecard carries them.
 */
public final class RoiProjection {
    private RoiProjection() {}

    /** @param tenant null for the route's projection, else the tenant's (without the route's fixed costs) */
    public static Scorecard.Value of(DayTally window, int observedDays, String tenant, UsageSettings s) {
        double platform = tenant == null ? s.platformCostPerYear() : 0;
        double build = tenant == null ? s.buildCost() : 0;
        double perYear = 365.0 / observedDays;
        double answered = window.calls() - window.errors();
        double bestWindowValue = window.savedReports() <= 0 ? 0 : window.valueUsd() / window.savedReports() * Math.max(answered, window.savedReports());
        double annualValue = window.valueUsd() * perYear;
        double annualBest = bestWindowValue * perYear;
        double annualAi = window.costUsd() * perYear;
        double yearlyCost = annualAi + platform;
        double netExpected = s.roiYears() * (annualValue - yearlyCost) - build;
        double netBest = s.roiYears() * (annualBest - yearlyCost) - build;
        String method = (tenant == null ? "" : "the tenant's marginal return (platform and build costs are the route's, on its scorecard): ")
                + String.format(Locale.ROOT, "%d observed day(s) annualised x%.2f: value $%.2f reported (%d report(s), %.0f s saved), "
                        + "best case $%.2f (the mean value per report on each of %.0f answered calls), AI cost $%.2f; net over %d year(s) = "
                        + "years x (annual value - annual AI cost $%.2f - platform $%.2f) - build $%.2f",
                observedDays, perYear, window.valueUsd(), window.savedReports(), window.secondsSaved(), bestWindowValue, answered,
                window.costUsd(), s.roiYears(), annualAi, platform, build);
        Scorecard.Roi roi = new Scorecard.Roi(observedDays, s.roiYears(), annualValue, annualBest, annualAi, platform, build, netExpected,
                netBest, method);
        return new Scorecard.Value(window.secondsSaved(), window.valueUsd(), window.costUsd(),
                window.costUsd() <= 0 ? null : window.valueUsd() / window.costUsd(), s.targetValueToCost(), roi);
    }
}
