package dev.pilotlight.common.cost;

import java.io.Serializable;
import java.util.List;

/**
 * One budget of a quota file (docs/cost.md, "Quota files"): spend in dollars and/or calls per calendar
 * period for each user, tenant or route (or only the one {@code match} names), what happens when it
 * is used up, and the fractions at which a warning goes out first.
 *
 * @param source     file:line where it is defined
 * @param match      the one user, tenant or route it applies to; null: each of the scope separately
 * @param budgetUsd  0 when only calls are limited
 * @param calls      0 when only spend is limited
 * @param perMinute  the rate a {@link Action#THROTTLE} allows until the period ends; 0 for other actions
 * @param tier       the tier of the "used up" alert; warnings go out one tier lower (at most 3)
 */
public record Quota(String id, String source, Scope scope, String match, Period period, double budgetUsd, long calls,
                    List<Double> warnAt, Action action, long perMinute, int tier) implements Serializable {

    /** Whose spend a quota counts. */
    public enum Scope {
        USER, TENANT, ROUTE;

        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A calendar period in the cost module's time zone. */
    public enum Period { DAY, MONTH }

    /** What a used-up quota does until its period ends. */
    public enum Action {
        /** only the alert */
        ALERT,
        /** THROTTLE_USER at {@code perMinute} */
        THROTTLE,
        /** DEGRADE_USER: served by the route's cheap tier where it has one (refused where it has none) */
        DEGRADE,
        /** BLOCK_USER */
        BLOCK
    }

    /** Whether the quota counts the spend of {@code entity} of its scope. */
    public boolean appliesTo(String entity) {
        return match == null || match.equals(entity);
    }

    /** The share of this quota that {@code spentUsd} and {@code callCount} use (the larger of the two limits). */
    public double used(double spentUsd, long callCount) {
        double byMoney = budgetUsd > 0 ? spentUsd / budgetUsd : 0;
        double byCalls = calls > 0 ? (double) callCount / calls : 0;
        return Math.max(byMoney, byCalls);
    }
}
