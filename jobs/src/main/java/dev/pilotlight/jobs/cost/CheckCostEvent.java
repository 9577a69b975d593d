package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.cost.Quota;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.jobs.ingest.Envelope;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides whether an invocation's cost can be summed: a negative or absurd cost, absurd token counts,
 * a call that reached a model but names none, or tokens without a cost (on a model not declared free)
 * go to guard.dlq with the reason, so one broken or forged event cannot use up someone's budget. A
 * valid call becomes one {@link CostEntry} per account: user, tenant, route and model.
 */
public final class CheckCostEvent extends ProcessFunction<Envelope, CostEntry> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> REFUSED = new OutputTag<>("cost-refused") {};

    private final CostSettings settings;

    public CheckCostEvent(CostSettings settings) {
        this.settings = settings;
    }

    /** Invocations only: the cost module reads nothing else. */
    public static boolean relevant(Envelope e) {
        return e.invocation() != null;
    }

    @Override
    public void processElement(Envelope in, Context ctx, Collector<CostEntry> out) {
        InvocationEvent e = in.invocation();
        String problem = problem(e);
        if (problem != null) {
            ctx.output(REFUSED, DeadLetter.of(Topics.INVOCATIONS, -1, -1, e.eventId(), "cost: " + problem,
                    JsonCodec.encodeToString(e.withoutTexts()), System.currentTimeMillis()));
            return;
        }
        boolean counted = e.status().reachedModel() || e.status() == dev.pilotlight.common.event.InvocationStatus.CANCELLED;
        long micros = counted ? Math.round(e.costUsd() * 1_000_000) : 0;
        int calls = counted && !e.cacheHit() ? 1 : 0;
        long t = e.timestamp();
        out.collect(new CostEntry(CostEntry.account(Quota.Scope.USER, e.userId()), Quota.Scope.USER, e.userId(), t, micros, calls, e.tenant()));
        if (e.tenant() != null) {
            out.collect(new CostEntry(CostEntry.account(Quota.Scope.TENANT, e.tenant()), Quota.Scope.TENANT, e.tenant(), t, micros, calls, e.tenant()));
        }
        out.collect(new CostEntry(CostEntry.account(Quota.Scope.ROUTE, e.route()), Quota.Scope.ROUTE, e.route(), t, micros, calls, e.tenant()));
        if (counted && e.model() != null) {
            out.collect(new CostEntry(CostEntry.account(null, e.model()), null, e.model(), t, micros, calls, e.tenant()));
        }
    }

    /** Why the event's cost cannot be summed, or null. */
    String problem(InvocationEvent e) {
        if (e.userId() == null || e.userId().isBlank()) {
            return "no userId: the call cannot be charged to anyone";
        }
        if (!Double.isFinite(e.costUsd()) || e.costUsd() < 0) {
            return "costUsd " + e.costUsd() + " is negative or not a number";
        }
        if (e.costUsd() > settings.maxCostPerCallUsd()) {
            return "costUsd " + e.costUsd() + " is above max_cost_per_call_usd " + settings.maxCostPerCallUsd();
        }
        long tokens = e.inputTokens() + e.outputTokens();
        if (e.inputTokens() < 0 || e.outputTokens() < 0 || tokens > settings.maxTokensPerCall()) {
            return "token counts " + e.inputTokens() + " in / " + e.outputTokens() + " out are negative or above max_tokens_per_call "
                    + settings.maxTokensPerCall();
        }
        boolean charged = e.costUsd() > 0 || tokens > 0;
        if (charged && !e.cacheHit() && (e.model() == null || e.model().isBlank())) {
            return "a cost or tokens but no model (unknown model)";
        }
        if (e.model() != null && !settings.knownModels().isEmpty() && !settings.knownModels().contains(e.model())) {
            return "unknown model '" + e.model() + "' (not in known_models)";
        }
        if (e.costUsd() == 0 && tokens > 0 && !e.cacheHit() && !settings.freeModels().contains(e.model())) {
            return "cost missing: " + tokens + " tokens on model " + e.model()
                    + " but costUsd 0 (declare free models in free_models)";
        }
        return null;
    }
}
