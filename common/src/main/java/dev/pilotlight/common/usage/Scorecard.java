package dev.pilotlight.common.usage;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One route's go/no-go scorecard with the figures behind it (docs/usage.md, "Scorecard"), as the guard job
 * publishes it to the compacted topic guard.scorecards (key: route) at every refresh and day end.
 *
 * @param tenant   null: the route across tenants; else the route's figures for this tenant alone (docs/usage.md, "Tenants")
 * @param asOf     the event time it was computed at (epoch ms)
 * @param dayMs    the length of a usage day (1 d unless a demo compresses time)
 * @param verdict  GO, ITERATE or STOP
 * @param adoption the route's share of the users active on any route (of the tenant, for a tenant's scorecard)
 * @param criteria every criterion of the go/no-go framework with its value, target, status and evidence
 * @param roster   the adoption funnel of the route's roster; null without a roster
 * @param cohorts  users by first-seen week, newest first
 * @param triedOnce users who used the route in one session in their first week and never came back (for outreach)
 * @param interventions the playbook interventions currently called for (also sent as tier-3 alerts)
 * @param daily    the figures of each day in the window, oldest first (the reports' charts)
 * @param signature HMAC-SHA256 with the control key: the admin API and the reports show only signed scorecards
 */
public record Scorecard(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String route,
        String tenant,
        @JsonProperty(required = true) long asOf,
        long dayMs,
        @JsonProperty(required = true) Verdict verdict,
        List<Criterion> criteria,
        Usage usage,
        Adoption adoption,
        Quality quality,
        Value value,
        Funnel roster,
        List<Cohort> cohorts,
        List<String> triedOnce,
        List<String> interventions,
        List<Day> daily,
        String signature) {

    /** A route's scorecard across tenants, without adoption figures (as before tenants and adoption were added). */
    public Scorecard(int schemaVersion, String route, long asOf, long dayMs, Verdict verdict, List<Criterion> criteria, Usage usage,
                     Quality quality, Value value, Funnel roster, List<Cohort> cohorts, List<String> triedOnce, List<String> interventions,
                     List<Day> daily, String signature) {
        this(schemaVersion, route, null, asOf, dayMs, verdict, criteria, usage, null, quality, value, roster, cohorts, triedOnce,
                interventions, daily, signature);
    }

    public Scorecard withSignature(String sig) {
        return new Scorecard(schemaVersion, route, tenant, asOf, dayMs, verdict, criteria, usage, adoption, quality, value, roster, cohorts,
                triedOnce, interventions, daily, sig);
    }

    /** The compacted topic's key: the route, or route|tenant for a tenant's scorecard. */
    public String key() {
        return key(route, tenant);
    }

    public static String key(String route, String tenant) {
        return tenant == null ? route : route + "|" + tenant;
    }

    public enum Verdict { GO, ITERATE, STOP }

    /** MET: meets the GO target; SHORT: below it; FAILED: meets a STOP condition; UNKNOWN: cannot be judged (why in evidence). */
    public enum Status { MET, SHORT, FAILED, UNKNOWN }

    public record Criterion(String name, Status status, Double value, String target, String evidence) {}

    /**
     * @param dau     distinct users on the last complete day
     * @param avgDau  mean distinct users per day over the window's active days
     * @param wau     distinct users in the last 7 days
     * @param mau     distinct users in the last 30 days
     * @param stickiness avgDau / mau
     * @param usesPerUserPerDay calls per active user-day over the window
     */
    public record Usage(long dau, double avgDau, long wau, long mau, double stickiness, double usesPerUserPerDay, long calls,
                        long errors, long sessions, double avgSessionSeconds, Integer targetUsers, Integer activeTargetUsers) {}

    /**
     * Feature adoption: the route's weekly and monthly active users as a share of the distinct users active on any route
     * over the same days (of the same tenant, for a tenant's scorecard); shares are null while nobody is active anywhere.
     */
    public record Adoption(long activeAnyRouteWeekly, long activeAnyRouteMonthly, Double weeklyShare, Double monthlyShare) {}

    /** Counts over the window; rates are null when nothing was counted. */
    public record Quality(long acceptanceAnswers, long accepted, Double acceptanceRate, long thumbsUp, long thumbsDown,
                          Double thumbsUpShare, Double errorRate, long scores, Double satisfaction) {}

    /** Time saved, its value and what the AI cost, over the window; the ROI projection. */
    public record Value(double secondsSaved, double valueUsd, double aiCostUsd, Double valueToCost, double targetValueToCost, Roi roi) {}

    /**
     * The ROI projection: expected from the time users reported saving; best case as if every answered call saved
     * the mean time reported per rated answer. Net = years × (annual value − annual AI cost − platform cost) − build cost.
     */
    public record Roi(int observedDays, int years, double annualValueUsd, double annualValueBestUsd, double annualAiCostUsd,
                      double platformCostPerYearUsd, double buildCostUsd, double netExpectedUsd, double netBestUsd, String method) {}

    /** The roster's adoption funnel (§4.F); rates are shares of the invited, targets the playbook's (settings). */
    public record Funnel(long invitedAt, int invited, int activated, int activatedInWindow, int regular, int power,
                         double activationRate, double regularRate, double powerRate, double targetActivated, double targetRegular,
                         double targetPower) {}

    /** Users first seen in one week; regular and power count first-month uses, settled once every user's month is over. */
    public record Cohort(long weekStart, int users, int regular, int power, int triedOnce, boolean settled) {}

    /** One usage day's figures. */
    public record Day(long start, long activeUsers, long calls, long errors, long acceptanceAnswers, long accepted, long scores,
                      double scoreSum, double secondsSaved, double valueUsd, double costUsd) {}
}
