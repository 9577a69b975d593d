package dev.pilotlight.jobs.alerting;

import dev.pilotlight.jobs.ingest.Envelope;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/** Decides which threshold rules in force an event counts for (see {@link MatchRules}); rules follow guard.rules. */
public final class MatchThresholdRules extends BroadcastProcessFunction<Envelope, GuardBroadcast, RuleInput> {
    private static final long serialVersionUID = 1L;
    private final ActiveRules rules;

    public MatchThresholdRules(ActiveRules rules) {
        this.rules = rules;
    }

    @Override
    public void processElement(Envelope e, ReadOnlyContext ctx, Collector<RuleInput> out) throws Exception {
        MatchRules.collect(rules.current(ctx.getBroadcastState(ActiveRules.RULES)).list(), e, out::collect);
    }

    @Override
    public void processBroadcastElement(GuardBroadcast b, Context ctx, Collector<RuleInput> out) throws Exception {
        if (b.rules() != null) {
            rules.accept(b.rules(), ctx.getBroadcastState(ActiveRules.RULES));
        }
    }
}
