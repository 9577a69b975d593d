package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.cost.Quota;

/**
 * One call's share of one account: the user's, the tenant's, the route's or the model's. A call that
 * reached no model (refused, rate limited) has no spend and no call to count, but still tells the
 * account its caller is active (a used-up quota's command is then issued again when due).
 *
 * @param scope  null for a model account (no quota counts models)
 * @param micros spend in micro-dollars
 */
public record CostEntry(String account, Quota.Scope scope, String entity, long eventTime, long micros, int calls, String tenant) {

    static String account(Quota.Scope scope, String entity) {
        return (scope == null ? "model" : scope.yamlName()) + ":" + entity;
    }
}
