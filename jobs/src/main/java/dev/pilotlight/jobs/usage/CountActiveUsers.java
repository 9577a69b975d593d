package dev.pilotlight.jobs.usage;

import dev.pilotlight.jobs.sketch.DistinctSketch;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts a tenant's users active on any route (keyed by tenant; docs/usage.md, "Feature adoption"): a sketch per usage
 * day, and at each refresh and day end (the ticks the route tallies judge at) the last 7 and 30 days' sketches for every
 * route's tally. A tenant silent for 30 days is told gone and forgotten.
 */
public final class CountActiveUsers extends KeyedProcessFunction<String, ActiveAnywhere, ActiveUsers> {
    private final UsageSettings s;
    private transient MapState<Long, byte[]> days;
    private transient ValueState<Long> timer;

    public CountActiveUsers(UsageSettings settings) {
        this.s = settings;
    }

    /** The key: the tenant, "" for none (a keyed stream's key cannot be null). */
    public static String tenantOf(ActiveAnywhere a) {
        return a.tenant() == null ? "" : a.tenant();
    }

    @Override
    public void open(OpenContext ctx) {
        days = getRuntimeContext().getMapState(new MapStateDescriptor<>("active-anywhere-days", Types.LONG,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("active-anywhere-timer", Types.LONG));
    }

    @Override
    public void processElement(ActiveAnywhere a, Context ctx, Collector<ActiveUsers> out) throws Exception {
        long day = s.dayOf(a.at());
        days.put(day, DistinctSketch.add(days.get(day), a.user()));
        if (timer.value() == null) {
            long at = s.nextTick(a.at());
            ctx.timerService().registerEventTimeTimer(at);
            timer.update(at);
        }
    }

    @Override
    public void onTimer(long at, OnTimerContext ctx, Collector<ActiveUsers> out) throws Exception {
        long today = s.dayOf(at - 1);
        List<byte[]> week = new ArrayList<>();
        List<byte[]> month = new ArrayList<>();
        for (Long d : TallyRoute.keys(days.keys())) {
            if (d <= today - 30) {
                days.remove(d);
            } else {
                byte[] b = days.get(d);
                month.add(b);
                if (d > today - 7) {
                    week.add(b);
                }
            }
        }
        if (month.isEmpty()) {
            out.collect(new ActiveUsers(ctx.getCurrentKey(), at, null, null));
            timer.clear();
            return;
        }
        out.collect(new ActiveUsers(ctx.getCurrentKey(), at, DistinctSketch.encode(DistinctSketch.union(week)),
                DistinctSketch.encode(DistinctSketch.union(month))));
        long next = s.nextTick(at);
        ctx.timerService().registerEventTimeTimer(next);
        timer.update(next);
    }
}
