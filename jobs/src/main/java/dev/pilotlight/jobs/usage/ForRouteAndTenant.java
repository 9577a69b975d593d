package dev.pilotlight.jobs.usage;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/** Sends each usage input to its route's tally and, when it names a tenant, to the tally of the route's tenant (docs/usage.md, "Tenants"). */
public final class ForRouteAndTenant implements FlatMapFunction<UsageInput, UsageInput> {
    @Override
    public void flatMap(UsageInput in, Collector<UsageInput> out) {
        out.collect(in);
        if (in.tenant() != null && !in.tenant().isEmpty()) {
            out.collect(in.forTenant());
        }
    }
}
