package dev.pilotlight.jobs.influx;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The measurement schema the writer produces (docs/monitoring.md); dashboards may query only these
 * names, which the dashboard consistency test checks. Tags are bounded by construction: releases,
 * tenants, rules, command types, and users only among the top N (everyone else is "other").
 */
public final class Measurements {
    /** Metric windows per release (route, prompt version, variant, model); time = window start. */
    public static final String RELEASE = "llm_release";
    /** Metric windows per tenant; time = window start. */
    public static final String TENANT = "llm_tenant";
    /** Drift scores per release, feature and reference (docs/drift.md); time = window start. */
    public static final String DRIFT = "llm_drift";
    /** Alert transitions; time = startsAt for FIRING, endsAt for RESOLVED. */
    public static final String ALERT = "llm_alert";
    /** Control commands decided by the jobs or an operator; time = issuedAt. */
    public static final String COMMAND = "llm_command";
    /** Release changes of a prompt (release, promote, rollback, split); time = updatedAt. */
    public static final String RELEASE_CHANGE = "llm_release_change";

    /** A tenant's top spenders of the day and the rest as "other", every minute (docs/cost.md, "Spenders"); time = the minute. */
    public static final String SPENDER = "llm_spender";

    /** Each route's go/no-go scorecard at every refresh (docs/usage.md); time = the scorecard's asOf. */
    public static final String USAGE = "llm_usage";

    /** Each arm of each release experiment as guard.experiments publishes it (docs/experiments.md); time = updatedAt. */
    public static final String EXPERIMENT = "llm_experiment";

    /** Numeric fields of both metric-window measurements (the MetricSample fields in snake_case). */
    public static final List<String> WINDOW_FIELDS = List.of(
            "calls", "errors", "error_rate", "latency_p50_ms", "latency_p95_ms", "latency_p99_ms",
            "input_tokens", "output_tokens", "spend_usd", "cost_per_call_usd", "cache_hits", "cache_hit_ratio",
            "fallbacks", "fallback_ratio", "injection_attempts", "unique_users", "feedback", "thumbs_up",
            "thumbs_down", "thumbs_down_share", "acceptance_rate", "revision", "window_seconds");

    /** The drift sample's values, plus the current side's count. */
    public static final List<String> DRIFT_FIELDS = List.of(
            "psi", "js_distance", "wasserstein", "p_value", "score", "threshold", "drifted", "change", "reference_count",
            "current_count", "window_seconds");

    public static final List<String> ALERT_FIELDS = List.of(
            "value", "threshold", "firing", "duration_seconds", "alert_id", "summary", "runbook", "command_id",
            "rules_version", "user_id");
    public static final List<String> COMMAND_FIELDS = List.of(
            "count", "command_id", "reason", "alert_id", "expires_at", "params", "user_id");
    public static final List<String> RELEASE_CHANGE_FIELDS = List.of(
            "production_version", "previous_version", "candidate_version", "candidate_split", "revision",
            "updated_by", "reason");

    /** One arm's figures, with the experiment's own (split, p-values, effect, status) on every arm's point. */
    public static final List<String> EXPERIMENT_FIELDS = List.of(
            "users", "calls", "errors", "error_rate", "samples", "accepted", "acceptance_rate", "acceptance_low", "acceptance_high",
            "raters", "thumbs_up", "thumbs_down", "latency_p95_ms", "cost_per_call_usd", "split", "p_value", "effect", "effect_low",
            "effect_high", "srm_p_value", "samples_needed", "status", "decision", "reason");

    public static final List<String> SPENDER_FIELDS = List.of(
            "spend_usd", "calls", "rank", "quota_use", "score", "outlier", "users", "window_seconds");

    /** A scorecard's figures; verdict 0 GO, 1 ITERATE, 2 STOP; ratios left out until they can be computed. */
    public static final List<String> USAGE_FIELDS = List.of(
            "dau", "avg_dau", "wau", "mau", "stickiness", "uses_per_user_day", "avg_session_seconds", "active_any_route_weekly",
            "active_any_route_monthly", "adoption_weekly", "adoption_monthly", "acceptance_rate", "thumbs_up_share",
            "error_rate", "satisfaction", "value_usd", "ai_cost_usd", "value_to_cost", "roi_net_expected_usd", "roi_net_best_usd",
            "weekly_active_share", "activation_rate", "regular_rate", "power_rate", "tried_once", "verdict", "window_seconds");

    /** Measurement → fields, for the consistency test and the docs. */
    public static final Map<String, List<String>> FIELDS = Map.of(
            RELEASE, WINDOW_FIELDS, TENANT, WINDOW_FIELDS, ALERT, ALERT_FIELDS, COMMAND, COMMAND_FIELDS,
            RELEASE_CHANGE, RELEASE_CHANGE_FIELDS, DRIFT, DRIFT_FIELDS, EXPERIMENT, EXPERIMENT_FIELDS, SPENDER, SPENDER_FIELDS,
            USAGE, USAGE_FIELDS);

    /** Measurement → tags it can carry (alerts also carry their rule's labels, in snake_case). */
    public static final Map<String, Set<String>> TAGS = Map.of(
            RELEASE, Set.of("route", "prompt_version", "variant", "model"),
            TENANT, Set.of("tenant"),
            ALERT, Set.of("rule_id", "tier", "state", "user"),
            COMMAND, Set.of("type", "target", "issuer", "user"),
            RELEASE_CHANGE, Set.of("prompt_id", "route"),
            DRIFT, Set.of("route", "prompt_version", "feature", "kind", "reference", "status"),
            EXPERIMENT, Set.of("route", "prompt_id", "experiment_id", "arm", "version", "mode"),
            SPENDER, Set.of("tenant", "user", "day"),
            USAGE, Set.of("route", "tenant"));

    private Measurements() {}
}
