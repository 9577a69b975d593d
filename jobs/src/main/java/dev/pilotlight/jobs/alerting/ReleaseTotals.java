package dev.pilotlight.jobs.alerting;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps, per rule and release, the sums of the rule's ratio over all of the release's calls, and
 * sends each new total on, to be broadcast to the evaluator: when a later release is judged against
 * the one it replaced (baseline previous_release), that release's figure is at hand on every
 * parallel instance. A release nobody calls for 30 days is forgotten (state TTL): by then it is
 * neither served nor the one a release in service replaced.
 */
public final class ReleaseTotals extends KeyedProcessFunction<String, RuleInput, ReleaseTotal> {
    private static final long serialVersionUID = 1L;
    static final java.time.Duration FORGET_AFTER = java.time.Duration.ofDays(30);
    private transient ValueState<double[]> sums;

    @Override
    public void open(OpenContext ctx) {
        ValueStateDescriptor<double[]> d = new ValueStateDescriptor<>("release-sums", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
        d.enableTimeToLive(org.apache.flink.api.common.state.StateTtlConfig.newBuilder(FORGET_AFTER).build());
        sums = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(RuleInput in, Context ctx, Collector<ReleaseTotal> out) throws Exception {
        double[] s = sums.value();
        if (s == null) {
            s = new double[2];
        }
        s[0] += in.numerator();
        s[1] += in.denominator();
        sums.update(s);
        out.collect(new ReleaseTotal(in.key(), s[0], s[1]));
    }
}
