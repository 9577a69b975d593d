package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.SchemaVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by tenant and day: every {@code spenders_every}, ranks the tenant's users by today's spend and
 * writes the top {@code spenders_top} to guard.metrics (dimension {@code spender}), the rest summed as one
 * {@code other} row, so the dashboard's cardinality stays bounded. A user is marked an outlier when their
 * spend lies {@code spenders_outlier_score} robust deviations above the median user of the tenant that day
 * (the modified z-score of Iglewicz and Hoaglin, cut at 3.5 by default). The day's end clears everything.
 */
public final class RankSpenders extends KeyedProcessFunction<String, UserSpend, MetricSample> {
    private static final long serialVersionUID = 1L;
    public static final String DIMENSION = "spender";
    public static final String OTHER = "other";

    private final CostSettings settings;
    private transient MapState<String, UserSpend> users;
    private transient ValueState<Long> nextTimer;

    public RankSpenders(CostSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext ctx) {
        users = getRuntimeContext().getMapState(new MapStateDescriptor<>("spenders", Types.STRING, TypeInformation.of(UserSpend.class)));
        nextTimer = getRuntimeContext().getState(new ValueStateDescriptor<>("spenders-timer", Types.LONG));
    }

    @Override
    public void processElement(UserSpend s, Context ctx, Collector<MetricSample> out) throws Exception {
        users.put(s.user(), s);
        if (nextTimer.value() == null) {
            long every = settings.spendersEvery().toMillis();
            long next = Math.min(s.at() - Math.floorMod(s.at(), every) + every, s.dayEnd());
            ctx.timerService().registerEventTimeTimer(next);
            nextTimer.update(next);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<MetricSample> out) throws Exception {
        List<UserSpend> all = new ArrayList<>();
        users.values().forEach(all::add);
        if (all.isEmpty()) {
            nextTimer.clear();
            return;
        }
        emit(all, timestamp, out);
        UserSpend any = all.get(0);
        if (timestamp >= any.dayEnd()) {
            users.clear(); // the day is over
            nextTimer.clear();
        } else {
            long next = Math.min(timestamp + settings.spendersEvery().toMillis(), any.dayEnd());
            ctx.timerService().registerEventTimeTimer(next);
            nextTimer.update(next);
        }
    }

    /** The top spenders and the rest, as of {@code at}. */
    void emit(List<UserSpend> all, long at, Collector<MetricSample> out) {
        all.sort(Comparator.comparingLong(UserSpend::micros).reversed().thenComparing(UserSpend::user));
        double[] spends = all.stream().mapToDouble(u -> u.micros() / 1e6).toArray();
        long windowStart = at - settings.spendersEvery().toMillis();
        int top = Math.min(settings.spendersTop(), all.size());
        RobustBaseline day = all.size() >= 3 ? RobustBaseline.of(spends[0], spends, 0, 0.01) : null; // one median and MAD for all
        for (int i = 0; i < top; i++) {
            UserSpend u = all.get(i);
            double score = day == null ? 0 : day.scoreOf(u.micros() / 1e6);
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("spend_usd", u.micros() / 1e6);
            values.put("calls", (double) u.calls());
            values.put("rank", (double) (i + 1));
            values.put("quota_use", u.quotaUse());
            values.put("score", score);
            values.put("outlier", day != null && score >= settings.spendersOutlierScore() ? 1.0 : 0.0);
            values.put("users", 1.0);
            out.collect(sample(u, u.user(), windowStart, at, values));
        }
        if (all.size() > top) {
            List<UserSpend> rest = all.subList(top, all.size());
            Map<String, Double> values = new LinkedHashMap<>();
            values.put("spend_usd", rest.stream().mapToLong(UserSpend::micros).sum() / 1e6);
            values.put("calls", (double) rest.stream().mapToLong(UserSpend::calls).sum());
            values.put("users", (double) rest.size());
            out.collect(sample(all.get(0), OTHER, windowStart, at, values));
        }
    }

    private MetricSample sample(UserSpend u, String user, long windowStart, long windowEnd, Map<String, Double> values) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("tenant", u.tenant());
        labels.put("user", user);
        labels.put("day", java.time.Instant.ofEpochMilli(u.dayStart()).atZone(settings.zone()).toLocalDate().toString());
        return new MetricSample(SchemaVersion.CURRENT, DIMENSION + "|" + u.tenant() + "|" + user, DIMENSION, labels, windowStart, windowEnd,
                0, values.get("calls").longValue(), 0, null, null, null, null, 0, 0, values.get("spend_usd"), null, 0, null, 0, null, 0, 0, 0,
                0, 0, null, null, values);
    }
}
