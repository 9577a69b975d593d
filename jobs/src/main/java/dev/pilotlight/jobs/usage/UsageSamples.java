package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.usage.Scorecard;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scorecard as one guard.metrics sample (dimension {@code usage}, InfluxDB measurement llm_usage, tags route and, for a
 * tenant's scorecard, tenant; docs/monitoring.md):
 * the figures Grafana charts; values that cannot be computed yet are left out.
 */
public final class UsageSamples {
    public static final String DIMENSION = "usage";

    private UsageSamples() {}

    public static MetricSample of(Scorecard c) {
        Map<String, Double> v = new LinkedHashMap<>();
        Scorecard.Usage u = c.usage();
        v.put("dau", (double) u.dau());
        v.put("avg_dau", u.avgDau());
        v.put("wau", (double) u.wau());
        v.put("mau", (double) u.mau());
        v.put("stickiness", u.stickiness());
        v.put("uses_per_user_day", u.usesPerUserPerDay());
        v.put("avg_session_seconds", u.avgSessionSeconds());
        if (c.adoption() != null) {
            v.put("active_any_route_weekly", (double) c.adoption().activeAnyRouteWeekly());
            v.put("active_any_route_monthly", (double) c.adoption().activeAnyRouteMonthly());
            put(v, "adoption_weekly", c.adoption().weeklyShare());
            put(v, "adoption_monthly", c.adoption().monthlyShare());
        }
        put(v, "acceptance_rate", c.quality().acceptanceRate());
        put(v, "thumbs_up_share", c.quality().thumbsUpShare());
        put(v, "error_rate", c.quality().errorRate());
        put(v, "satisfaction", c.quality().satisfaction());
        v.put("value_usd", c.value().valueUsd());
        v.put("ai_cost_usd", c.value().aiCostUsd());
        put(v, "value_to_cost", c.value().valueToCost());
        v.put("roi_net_expected_usd", c.value().roi().netExpectedUsd());
        v.put("roi_net_best_usd", c.value().roi().netBestUsd());
        if (u.targetUsers() != null) {
            v.put("weekly_active_share", (double) u.activeTargetUsers() / u.targetUsers());
        }
        if (c.roster() != null) {
            v.put("activation_rate", c.roster().activationRate());
            v.put("regular_rate", c.roster().regularRate());
            v.put("power_rate", c.roster().powerRate());
        }
        v.put("tried_once", (double) c.triedOnce().size());
        v.put("verdict", (double) c.verdict().ordinal()); // 0 GO, 1 ITERATE, 2 STOP
        // a snapshot at asOf (window_seconds 0), not a window: each refresh is one point
        Map<String, String> tags = c.tenant() == null ? Map.of("route", c.route()) : Map.of("route", c.route(), "tenant", c.tenant());
        return new MetricSample(SchemaVersion.CURRENT, DIMENSION + "|" + c.key(), DIMENSION, tags, c.asOf(), c.asOf(), 0,
                u.calls(), u.errors(), c.quality().errorRate(), null, null, null, 0, 0, c.value().aiCostUsd(), null, 0, null, 0, null, 0, u.mau(),
                c.quality().acceptanceAnswers(), c.quality().thumbsUp(), c.quality().thumbsDown(), null, c.quality().acceptanceRate(), v);
    }

    private static void put(Map<String, Double> v, String key, Double value) {
        if (value != null) {
            v.put(key, value);
        }
    }
}
