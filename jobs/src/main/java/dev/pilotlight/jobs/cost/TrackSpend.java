package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.cost.Quota;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.jobs.alerting.ActiveRules;
import dev.pilotlight.jobs.alerting.GuardBroadcast;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Keyed by account (user, tenant, route or model): sums spend and calls of the current day and calendar
 * month, and decides each quota of the rule set in force on every call, so a budget is caught on the call
 * that uses it up, not at a window's end. A warning fraction or the limit crossed raises an alert once per
 * period; a used-up quota issues its command until the period ends (again after {@code reissue_after} if
 * the entity keeps calling, for replicas started since). Event-time timers at the day's and the month's
 * end resolve the period's alerts and clear its state; after the month, nothing of the account is left.
 */
public final class TrackSpend extends KeyedBroadcastProcessFunction<String, CostEntry, GuardBroadcast, Alert> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<ControlCommand> COMMANDS = new OutputTag<>("quota-commands") {};
    /** Each user's day so far after each of their calls, for the spender ranking of the user's tenant. */
    public static final OutputTag<UserSpend> SPENDERS = new OutputTag<>("user-spend") {};

    private final CostSettings settings;
    private final ActiveRules rules;
    private final CostCommands commands;
    private final MonthEndForecast forecasts;
    private final OffHoursThrottle offHours;
    private transient ValueState<SpendPeriods> periods;
    private transient ValueState<SpendMarks> marksState;
    /** The marks of the element being processed, read on first use and written back once. */
    private transient SpendMarks marks;
    private transient Counter closedPeriod;

    public TrackSpend(CostSettings settings, ActiveRules rules, CostCommands commands) {
        this.settings = settings;
        this.rules = rules;
        this.commands = commands;
        this.forecasts = new MonthEndForecast(settings);
        this.offHours = new OffHoursThrottle(settings);
    }

    @Override
    public void open(OpenContext ctx) {
        periods = getRuntimeContext().getState(new ValueStateDescriptor<>("spend-periods", TypeInformation.of(SpendPeriods.class)));
        marksState = getRuntimeContext().getState(new ValueStateDescriptor<>("spend-marks", TypeInformation.of(SpendMarks.class)));
        closedPeriod = getRuntimeContext().getMetricGroup().counter("costForClosedPeriods");
    }

    @Override
    public void processElement(CostEntry e, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        ActiveRules.Snapshot in = rules.current(ctx.getBroadcastState(ActiveRules.RULES));
        SpendPeriods s = periods.value();
        if (s == null) {
            s = new SpendPeriods();
        }
        if (!roll(s, e.eventTime(), in, ctx.getCurrentKey(), ctx, out)) {
            closedPeriod.inc(); // a call from a month already closed: its quotas are decided
            return;
        }
        if (e.eventTime() >= s.dayStart) {
            s.dayMicros += e.micros();
            s.dayCalls += e.calls();
        }
        s.monthMicros += e.micros();
        s.monthCalls += e.calls();
        double quotaUse = 0;
        if (e.scope() != null) {
            for (Quota q : in.quotas()) {
                if (q.scope() == e.scope() && q.appliesTo(e.entity())) {
                    quotaUse = Math.max(quotaUse, decide(q, e, s, in.version(), ctx, out));
                }
            }
        }
        long now = ctx.timerService().currentProcessingTime();
        if (e.scope() == Quota.Scope.ROUTE && !in.schedules().isEmpty() && commands.fresh(e.eventTime(), now)) {
            offHours.decide(e.entity(), e.eventTime(), in.schedules(), marks().offHours, now, out::collect)
                    .forEach(c -> ctx.output(COMMANDS, c));
        }
        if (e.scope() == Quota.Scope.USER && e.tenant() != null && e.eventTime() >= s.dayStart) {
            ctx.output(SPENDERS, new UserSpend(e.tenant(), e.entity(), s.dayStart, s.dayEnd, s.dayMicros, s.dayCalls, quotaUse, e.eventTime()));
        }
        periods.update(s);
        saveMarks();
    }

    /** This account's marks, read once per element. */
    private SpendMarks marks() throws java.io.IOException {
        if (marks == null) {
            marks = marksState.value();
            if (marks == null) {
                marks = new SpendMarks();
            }
        }
        return marks;
    }

    private void saveMarks() throws java.io.IOException {
        if (marks != null) {
            if (marks.isEmpty()) {
                marksState.clear();
            } else {
                marksState.update(marks);
            }
            marks = null;
        }
    }

    /**
     * Moves the account to the period of {@code at} (resolving and clearing what ended, when the event of a
     * new period came before the watermark did) and sets the timers of its ends.
     *
     * @return false when {@code at} lies in a month before the account's current one
     */
    private boolean roll(SpendPeriods s, long at, ActiveRules.Snapshot in, String account, ReadOnlyContext ctx, Collector<Alert> out)
            throws java.io.IOException {
        if (s.monthEnd != 0 && at < s.monthStart) {
            return false;
        }
        if (s.dayEnd != 0 && at >= s.dayEnd) {
            close(s, Quota.Period.DAY, in, s.dayEnd, account, out);
        }
        if (s.monthEnd != 0 && at >= s.monthEnd) {
            close(s, Quota.Period.MONTH, in, s.monthEnd, account, out);
        }
        if (s.monthEnd == 0) {
            CalendarPeriod m = CalendarPeriod.of(Quota.Period.MONTH, at, settings.zone());
            s.monthStart = m.start();
            s.monthEnd = m.end();
            ctx.timerService().registerEventTimeTimer(m.end());
        }
        if (s.dayEnd == 0 && at >= s.monthStart) {
            CalendarPeriod d = CalendarPeriod.of(Quota.Period.DAY, at, settings.zone());
            s.dayStart = d.start();
            s.dayEnd = d.end();
            if (d.end() != s.monthEnd) {
                ctx.timerService().registerEventTimeTimer(d.end());
            }
        }
        return true;
    }

    /**
     * One quota on the account's totals: a new level raises its alert (and the command); a used-up one is renewed when due.
     *
     * @return the share of the quota used
     */
    private double decide(Quota q, CostEntry e, SpendPeriods s, String version, ReadOnlyContext ctx, Collector<Alert> out)
            throws java.io.IOException {
        double used = q.used(s.micros(q.period()) / 1e6, s.calls(q.period()));
        int level = used >= 1 ? SpendMarks.EXCEEDED : (int) q.warnAt().stream().filter(f -> used >= f).count();
        if (level == 0) {
            return used; // below every mark: nothing to read (the common case, on every call)
        }
        SpendMarks m = marks();
        String key = SpendMarks.key(q.period(), q.id());
        CalendarPeriod p = new CalendarPeriod(q.period(), s.start(q.period()), s.end(q.period()), label(q.period(), e.eventTime()));
        int before = m.levels.getOrDefault(key, 0);
        long now = ctx.timerService().currentProcessingTime(); // the wall clock on a cluster; a test harness sets it
        if (level > before) {
            m.levels.put(key, level);
            if (level != SpendMarks.EXCEEDED) {
                double fraction = q.warnAt().get(level - 1);
                m.fired.put(key + "|" + fraction, fraction);
                out.collect(CostCommands.quotaAlert(q, e.entity(), p, fraction, s.micros(q.period()) / 1e6, s.calls(q.period()),
                        Alert.State.FIRING, e.eventTime(), null, null, version));
                return used;
            }
        } else if (!due(q, m, key, now)) {
            return used;
        }
        ControlCommand c = null;
        // not on a stale event (a backlog replayed), nor for a period already over (it would arrive expired)
        if (q.action() != Quota.Action.ALERT && commands.fresh(e.eventTime(), now) && p.end() > now) {
            int issue = m.issues.merge(key, 1, Integer::sum);
            c = commands.quota(q, e.entity(), p, issue, null, now);
            m.issuedAt.put(key, now);
            ctx.output(COMMANDS, c);
        }
        if (level > before) {
            m.fired.put(key + "|1", 1.0);
            out.collect(CostCommands.quotaAlert(q, e.entity(), p, 1, s.micros(q.period()) / 1e6, s.calls(q.period()), Alert.State.FIRING,
                    e.eventTime(), null, c == null ? null : c.commandId(), version));
        }
        return used;
    }

    /**
     * Whether a used-up quota's command must go out (again): it never did (the crossing came on a stale event)
     * or it went out {@code reissue_after} ago and the entity is still calling.
     */
    private boolean due(Quota q, SpendMarks m, String key, long now) {
        if (q.action() == Quota.Action.ALERT || m.levels.getOrDefault(key, 0) != SpendMarks.EXCEEDED) {
            return false;
        }
        Long last = m.issuedAt.get(key);
        return last == null || now - last >= settings.reissueAfter().toMillis();
    }

    private String label(Quota.Period period, long at) {
        return CalendarPeriod.of(period, at, settings.zone()).label();
    }

    @Override
    public void processBroadcastElement(GuardBroadcast b, Context ctx, Collector<Alert> out) throws Exception {
        if (b.rules() != null) {
            rules.accept(b.rules(), ctx.getBroadcastState(ActiveRules.RULES));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        SpendPeriods s = periods.value();
        if (s == null) {
            return;
        }
        ActiveRules.Snapshot in = rules.current(ctx.getBroadcastState(ActiveRules.RULES));
        String account = ctx.getCurrentKey();
        if (timestamp == s.monthEnd) {
            close(s, Quota.Period.DAY, in, timestamp, account, out);
            close(s, Quota.Period.MONTH, in, timestamp, account, out);
            periods.clear(); // the month is over: nothing of this account is kept
            marks = null;
            marksState.clear();
        } else if (timestamp == s.dayEnd) {
            close(s, Quota.Period.DAY, in, timestamp, account, out);
            periods.update(s);
            saveMarks();
        }
    }

    /**
     * Resolves the alerts the period raised (those of quotas still in force) and clears its totals; a day's end
     * first updates the month's forecast, a month's end resolves it.
     */
    private void close(SpendPeriods s, Quota.Period period, ActiveRules.Snapshot in, long endedAt, String account, Collector<Alert> out)
            throws java.io.IOException {
        CalendarPeriod p = new CalendarPeriod(period, s.start(period), s.end(period), label(period, s.start(period)));
        String entity = entityOf(account);
        Quota.Scope scope = scopeOf(account);
        SpendMarks m = marks();
        if (period == Quota.Period.DAY && s.dayEnd != 0 && scope != null) {
            forecasts.dayEnded(s, m, in.quotas(), scope, entity, in.version(), out);
        } else if (period == Quota.Period.MONTH && scope != null) {
            forecasts.monthEnded(s, m, in.quotas(), scope, entity, endedAt, in.version(), out);
        }
        String prefix = SpendMarks.key(period, "");
        for (Map.Entry<String, Double> f : m.fired.entrySet()) {
            if (!f.getKey().startsWith(prefix)) {
                continue;
            }
            String id = f.getKey().substring(prefix.length(), f.getKey().lastIndexOf('|'));
            Quota q = quota(in.quotas(), id);
            if (q != null) {
                out.collect(CostCommands.quotaAlert(q, entity, p, f.getValue(), s.micros(period) / 1e6, s.calls(period),
                        Alert.State.RESOLVED, p.start(), endedAt, null, in.version()));
            }
        }
        s.reset(period);
        m.reset(period);
    }

    /** The scope of an account key; null for a model's account. */
    static Quota.Scope scopeOf(String account) {
        String scope = account.substring(0, account.indexOf(':'));
        return "model".equals(scope) ? null : Quota.Scope.valueOf(scope.toUpperCase(java.util.Locale.ROOT));
    }

    /** The entity of an account key ({@code user:alice} → alice). */
    static String entityOf(String account) {
        return account.substring(account.indexOf(':') + 1);
    }

    private static Quota quota(List<Quota> quotas, String id) {
        return quotas.stream().filter(q -> q.id().equals(id)).findFirst().orElse(null);
    }
}
