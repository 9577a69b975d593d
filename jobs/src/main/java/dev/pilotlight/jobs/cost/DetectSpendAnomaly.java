package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.cost.Quota;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.SchemaVersion;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by account (the scopes of {@code anomaly_scopes}): at the end of each hour, decides whether the
 * hour's spend or calls lie far outside the same hour of the week in the account's own past weeks
 * (docs/cost.md, "Anomalies"): a robust score over the median and MAD of those weeks, above
 * {@code anomaly_score}, at least {@code anomaly_min_ratio} times the median, and above a minimum volume
 * so that quiet accounts never page. A Monday-morning peak that comes every week is the baseline, not an
 * anomaly. One tier-2 alert per episode, resolved by the next normal hour; an account quiet for
 * {@code anomaly_weeks} weeks leaves no state.
 */
public final class DetectSpendAnomaly extends KeyedProcessFunction<String, CostEntry, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String RULE = "cost-anomaly";
    private static final long HOUR = 3_600_000L;
    private static final long WEEK = 7 * 24 * HOUR;

    private final CostSettings settings;
    private transient ValueState<HourCounter> counter;
    private transient ValueState<HourlyHistory> history;
    private transient Counter late;

    public DetectSpendAnomaly(CostSettings settings) {
        this.settings = settings;
    }

    /** Accounts of the scopes the detector watches. */
    public static boolean watched(CostEntry e, CostSettings s) {
        return e.scope() != null && s.anomalyScopes().contains(e.scope().yamlName());
    }

    @Override
    public void open(OpenContext ctx) {
        counter = getRuntimeContext().getState(new ValueStateDescriptor<>("hour-counter", TypeInformation.of(HourCounter.class)));
        history = getRuntimeContext().getState(new ValueStateDescriptor<>("hourly-history", TypeInformation.of(HourlyHistory.class)));
        late = getRuntimeContext().getMetricGroup().counter("costAnomalyLateEntries");
    }

    @Override
    public void processElement(CostEntry e, Context ctx, Collector<Alert> out) throws Exception {
        HourCounter h = counter.value();
        long hour = hourStart(e.eventTime());
        if (h == null) {
            h = new HourCounter();
            h.firstWeek = week(hour);
        }
        if (h.hourStart != 0 && hour >= h.hourStart + HOUR) {
            close(h, e.scope(), ctx.getCurrentKey(), out);
        }
        if (h.hourStart == 0) {
            h.hourStart = hour;
            ctx.timerService().registerEventTimeTimer(hour + HOUR);
        } else if (hour < h.hourStart) {
            late.inc(); // an hour already judged
            return;
        }
        h.spend += e.micros() / 1e6;
        h.calls += e.calls();
        h.idleTimer = IdleTimer.move(ctx.timerService(), h.idleTimer, hour + (long) settings.anomalyWeeks() * WEEK, HOUR);
        counter.update(h);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        HourCounter h = counter.value();
        if (h == null) {
            return;
        }
        if (timestamp == h.idleTimer) {
            counter.clear(); // quiet for anomaly_weeks: its history says nothing any more
            history.clear();
            return;
        }
        if (h.hourStart != 0 && timestamp == h.hourStart + HOUR) {
            close(h, TrackSpend.scopeOf(ctx.getCurrentKey()), ctx.getCurrentKey(), out);
            counter.update(h);
        }
    }

    /** Judges the hour against its slot's past weeks, then stores it there (the history is read here only, once an hour). */
    private void close(HourCounter c, Quota.Scope scope, String account, Collector<Alert> out) throws java.io.IOException {
        HourlyHistory h = history.value();
        if (h == null) {
            h = HourlyHistory.empty(settings.anomalyWeeks());
        }
        int slot = slot(c.hourStart);
        long week = week(c.hourStart);
        RobustBaseline spend = judge(c.spend, h.history(slot, week, c.firstWeek, true), settings.anomalyMinSpendUsd() / 10);
        RobustBaseline calls = judge(c.calls, h.history(slot, week, c.firstWeek, false), 1);
        RobustBaseline worst = null;
        String metric = null;
        if (spend != null && anomalous(spend, settings.anomalyMinSpendUsd())) {
            worst = spend;
            metric = "spend";
        }
        if (calls != null && anomalous(calls, settings.anomalyMinCalls()) && (worst == null || calls.score() > worst.score())) {
            worst = calls;
            metric = "calls";
        }
        if (worst != null && h.openAlert == null) {
            Alert a = alert(scope, account, metric, worst, c.hourStart, Alert.State.FIRING, null);
            h.openAlert = a.alertId();
            h.openSince = c.hourStart;
            h.openMetric = metric;
            out.collect(a);
        } else if (worst == null && h.openAlert != null) {
            RobustBaseline b = "spend".equals(h.openMetric) ? spend : calls;
            out.collect(alert(scope, account, h.openMetric, b, h.openSince, Alert.State.RESOLVED, c.hourStart + HOUR));
            h.openAlert = null;
        }
        h.store(slot, week, c.spend, c.calls);
        history.update(h);
        c.hourStart = 0;
        c.spend = 0;
        c.calls = 0;
    }

    private RobustBaseline judge(double value, double[] past, double minSpread) {
        return past.length < settings.anomalyMinWeeks() ? null
                : RobustBaseline.of(value, past, settings.anomalyMinSpreadFraction(), minSpread);
    }

    private boolean anomalous(RobustBaseline b, double minVolume) {
        return b.value() >= minVolume && b.score() >= settings.anomalyScore() && b.value() >= settings.anomalyMinRatio() * b.median();
    }

    private Alert alert(Quota.Scope scope, String account, String metric, RobustBaseline b, long since, Alert.State state, Long endsAt) {
        String entity = TrackSpend.entityOf(account);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(CostCommands.entityLabel(scope), entity);
        labels.put("metric", metric);
        labels.put("hourOfWeek", hourOfWeek(since));
        String id = DecisionIds.of("alert", RULE, account, metric, String.valueOf(since));
        boolean money = "spend".equals(metric);
        String summary = b == null ? scope.yamlName() + " " + entity + " is back within its usual " + metric : String.format(Locale.ROOT,
                "%s %s: %s in the hour %s against a median of %s for that hour over its last %d weeks (MAD %s; %.1f robust SDs above)",
                scope.yamlName(), entity, money ? CostCommands.usd(b.value()) : (long) b.value() + " calls", labels.get("hourOfWeek"),
                money ? CostCommands.usd(b.median()) : String.format(Locale.ROOT, "%.0f calls", b.median()), b.weeks(),
                money ? CostCommands.usd(b.mad()) : String.format(Locale.ROOT, "%.1f", b.mad()), b.score());
        double threshold = b == null ? 0 : b.median() + settings.anomalyScore() * b.spread();
        return new Alert(SchemaVersion.CURRENT, id, RULE, 2, state, labels, b == null ? 0 : b.value(), threshold, since, endsAt, summary,
                CostCommands.RUNBOOK, null, null);
    }

    private long hourStart(long at) {
        return Instant.ofEpochMilli(at).atZone(settings.zone()).truncatedTo(ChronoUnit.HOURS).toInstant().toEpochMilli();
    }

    /** Hour of the week in the cost time zone: Monday 00:00 is 0. */
    int slot(long hourStart) {
        ZonedDateTime t = Instant.ofEpochMilli(hourStart).atZone(settings.zone());
        return (t.getDayOfWeek().getValue() - 1) * 24 + t.getHour();
    }

    /** Weeks since the epoch, Monday-based, in the cost time zone. */
    long week(long at) {
        return Math.floorDiv(Instant.ofEpochMilli(at).atZone(settings.zone()).toLocalDate().with(DayOfWeek.MONDAY).toEpochDay() + 3, 7);
    }

    private String hourOfWeek(long hourStart) {
        ZonedDateTime t = Instant.ofEpochMilli(hourStart).atZone(settings.zone());
        return t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH) + String.format(Locale.ROOT, " %02d:00", t.getHour());
    }
}
