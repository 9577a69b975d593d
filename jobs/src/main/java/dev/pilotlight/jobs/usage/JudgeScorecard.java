package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.common.usage.Scorecard.Criterion;
import dev.pilotlight.common.usage.Scorecard.Status;
import dev.pilotlight.common.usage.Scorecard.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides the go/no-go verdict from the five criteria of §2.G (docs/usage.md, "Scorecard"): any criterion at a
 * STOP condition (acceptance, satisfaction, best-case ROI) → STOP; every criterion met → GO; otherwise ITERATE.
 * A criterion without enough evidence (no roster, fewer than min_feedback answers, no time-saved report) is
 * UNKNOWN, which is not met: the scorecard never guesses a GO.
 */
public final class JudgeScorecard {
    private JudgeScorecard() {}

    /** @param tenant null for the route's scorecard; a tenant's has no roster of its own (rosters name a route's users) */
    public static List<Criterion> criteria(Scorecard.Usage usage, Scorecard.Quality quality, Scorecard.Value value, int openSecurityAlerts,
                                           String tenant, UsageSettings s) {
        List<Criterion> out = new ArrayList<>();
        out.add(weeklyActive(usage, tenant, s));
        out.add(rated("acceptance", quality.acceptanceRate(), quality.acceptanceAnswers(), s.goAcceptance(), s.stopAcceptance(), s,
                "%.0f%% of %d answers used without heavy edits", ">= " + pct(s.goAcceptance()) + " (STOP below " + pct(s.stopAcceptance()) + ")",
                quality.acceptanceAnswers(), 100));
        out.add(openSecurityAlerts == 0
                ? new Criterion("security", Status.MET, 0.0, "no open critical security alert", "none open")
                : new Criterion("security", Status.SHORT, (double) openSecurityAlerts, "no open critical security alert",
                        openSecurityAlerts + " open critical security alert(s)"));
        out.add(roi(value.roi(), value));
        out.add(rated("satisfaction", quality.satisfaction(), quality.scores(), s.goSatisfaction(), s.stopSatisfaction(), s,
                "mean %.2f of %d scores (1-5)", String.format(Locale.ROOT, ">= %.1f of 5 (STOP below %.1f)", s.goSatisfaction(),
                        s.stopSatisfaction()), quality.scores(), 1));
        return out;
    }

    public static Verdict verdict(List<Criterion> criteria) {
        if (criteria.stream().anyMatch(c -> c.status() == Status.FAILED)) {
            return Verdict.STOP;
        }
        return criteria.stream().allMatch(c -> c.status() == Status.MET) ? Verdict.GO : Verdict.ITERATE;
    }

    private static Criterion weeklyActive(Scorecard.Usage u, String tenant, UsageSettings s) {
        String target = ">= " + pct(s.goWeeklyActive()) + " of target users active in the last 7 days";
        if (u.targetUsers() == null) {
            return new Criterion("weekly_active", Status.UNKNOWN, null, target, tenant != null
                    ? "rosters name a route's users, not a tenant's: the route's scorecard judges this"
                    : "no roster for this route: who is meant to use it is unknown");
        }
        double share = (double) u.activeTargetUsers() / u.targetUsers();
        return new Criterion("weekly_active", share >= s.goWeeklyActive() ? Status.MET : Status.SHORT, share, target,
                u.activeTargetUsers() + " of " + u.targetUsers() + " roster users called in the last 7 days");
    }

    private static Criterion rated(String name, Double value, long n, double go, double stop, UsageSettings s, String evidence,
                                   String target, long count, double scale) {
        if (value == null || n < s.minFeedback()) {
            return new Criterion(name, Status.UNKNOWN, value, target, n + " answer(s) so far, " + s.minFeedback() + " needed to judge");
        }
        Status status = value < stop ? Status.FAILED : value >= go ? Status.MET : Status.SHORT;
        return new Criterion(name, status, value, target, String.format(Locale.ROOT, evidence, value * scale, count));
    }

    private static Criterion roi(Scorecard.Roi r, Scorecard.Value v) {
        String target = "positive " + r.years() + "-year ROI (STOP if negative even in the best case)";
        String evidence = String.format(Locale.ROOT, "net $%.0f expected, $%.0f best case; %s", r.netExpectedUsd(), r.netBestUsd(), r.method());
        if (v.secondsSaved() <= 0 && r.annualValueBestUsd() <= 0) {
            return new Criterion("roi", Status.UNKNOWN, r.netExpectedUsd(), target, "no time saved reported yet; " + evidence);
        }
        Status status = r.netExpectedUsd() > 0 ? Status.MET : r.netBestUsd() < 0 ? Status.FAILED : Status.SHORT;
        return new Criterion("roi", status, r.netExpectedUsd(), target, evidence);
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.0f%%", share * 100);
    }
}
