package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.jobs.usage.UsageInput.Kind;
import java.util.ArrayList;
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
import org.apache.flink.util.OutputTag;

/**
 * Decides each user's milestones on each route (keyed by user, docs/usage.md "Adoption funnel"): the first call
 * (their cohort), each new active day, reaching the regular and power use counts within the first month,
 * sessions (calls closer than the session gap), tried-once churn (one session in the first week) and coming
 * back after it, and the first month's use count once it is over. A user silent for forget_after_days is
 * forgotten; one event-time timer per user at the earliest deadline of any of their routes. Each day a user is
 * active on any route is told apart ({@link #ANYWHERE}): the denominator of feature adoption.
 */
public final class FollowUser extends KeyedProcessFunction<String, UserCall, UsageInput> {
    /** The first call of each day a user is active on any route (per tenant). */
    public static final OutputTag<ActiveAnywhere> ANYWHERE = new OutputTag<>("active-anywhere") {};

    private final UsageSettings s;
    private transient MapState<String, UserOnRoute> routes;
    private transient ValueState<Long> timer;
    private transient ValueState<ActiveAnywhere> lastActive;

    public FollowUser(UsageSettings settings) {
        this.s = settings;
    }

    /** The calls that count as a use: a caller got to the model (refusals and rate limits do not). */
    public static boolean counts(InvocationEvent e) {
        return e != null && e.userId() != null && e.route() != null && e.status() != null && e.status().reachedModel();
    }

    @Override
    public void open(OpenContext ctx) {
        routes = getRuntimeContext().getMapState(new MapStateDescriptor<>("user-routes", Types.STRING, TypeInformation.of(UserOnRoute.class)));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("user-timer", Types.LONG));
        lastActive = getRuntimeContext().getState(new ValueStateDescriptor<>("user-last-active", TypeInformation.of(ActiveAnywhere.class)));
    }

    @Override
    public void processElement(UserCall e, Context ctx, Collector<UsageInput> out) throws Exception {
        long end = e.end();
        long start = end - e.latencyMs();
        activeAnywhere(e, ctx);
        UserOnRoute u = routes.get(e.route());
        if (u == null) {
            u = new UserOnRoute(end, 0, start, end, true, 1, s.dayOf(end), e.tenant(), 0);
            out.collect(UsageInput.mark(Kind.FIRST, e.route(), e.user(), e.tenant(), end, 0, 0));
            out.collect(UsageInput.mark(Kind.ACTIVE, e.route(), e.user(), e.tenant(), end, 0, 0));
        } else {
            u = nextCall(u, e, start, end, out);
        }
        if (end < u.firstSeen() + s.days(s.firstMonthDays())) {
            u = counted(u, e, out);
        }
        routes.put(e.route(), u);
        schedule(ctx, deadline(u));
    }

    /** Tells the first call of a day on any route (and of a tenant, should a user call for another one that day). */
    private void activeAnywhere(UserCall e, Context ctx) throws Exception {
        ActiveAnywhere last = lastActive.value();
        if (last == null || s.dayOf(e.end()) > s.dayOf(last.at()) || !java.util.Objects.equals(last.tenant(), e.tenant())) {
            ActiveAnywhere now = new ActiveAnywhere(e.user(), e.tenant(), e.end());
            ctx.output(ANYWHERE, now);
            lastActive.update(now);
        }
    }

    private UserOnRoute nextCall(UserOnRoute u, UserCall e, long start, long end, Collector<UsageInput> out) {
        long sessionStart = u.sessionStart();
        int sessions = u.sessions();
        boolean newSession = !u.sessionOpen() || start - u.lastEnd() > s.sessionGap().toMillis();
        if (newSession) {
            if (u.sessionOpen()) {
                out.collect(UsageInput.mark(Kind.SESSION, e.route(), e.user(), u.tenant(), u.lastEnd(), 0, (u.lastEnd() - u.sessionStart()) / 1000.0));
            }
            sessionStart = start;
            sessions++;
        }
        long day = s.dayOf(end);
        if (day > u.lastDay()) {
            out.collect(UsageInput.mark(Kind.ACTIVE, e.route(), e.user(), e.tenant(), end, 0, 0));
        }
        UserOnRoute next = new UserOnRoute(u.firstSeen(), u.uses(), sessionStart, Math.max(end, u.lastEnd()), true, sessions,
                Math.max(day, u.lastDay()), e.tenant(), u.flags());
        if (newSession && next.has(UserOnRoute.TRIED_ONCE)) {
            out.collect(UsageInput.mark(Kind.RETURNED, e.route(), e.user(), e.tenant(), end, 0, 0));
            next = next.without(UserOnRoute.TRIED_ONCE);
        }
        return next;
    }

    /** A use within the first month: regular and power once their counts are reached. */
    private UserOnRoute counted(UserOnRoute u, UserCall e, Collector<UsageInput> out) {
        UserOnRoute n = new UserOnRoute(u.firstSeen(), u.uses() + 1, u.sessionStart(), u.lastEnd(), u.sessionOpen(), u.sessions(),
                u.lastDay(), u.tenant(), u.flags());
        if (n.uses() >= s.regularUses() && !n.has(UserOnRoute.REGULAR)) {
            out.collect(UsageInput.mark(Kind.REGULAR, e.route(), e.user(), n.tenant(), n.firstSeen(), n.uses(), 0));
            n = n.with(UserOnRoute.REGULAR);
        }
        if (n.uses() >= s.powerUses() && !n.has(UserOnRoute.POWER)) {
            out.collect(UsageInput.mark(Kind.POWER, e.route(), e.user(), n.tenant(), n.firstSeen(), n.uses(), 0));
            n = n.with(UserOnRoute.POWER);
        }
        return n;
    }

    @Override
    public void onTimer(long at, OnTimerContext ctx, Collector<UsageInput> out) throws Exception {
        timer.clear();
        String user = ctx.getCurrentKey();
        List<String> forgotten = new ArrayList<>();
        long next = Long.MAX_VALUE;
        for (Map.Entry<String, UserOnRoute> entry : routes.entries()) {
            UserOnRoute u = due(entry.getValue(), entry.getKey(), user, at, out);
            if (u == null) {
                forgotten.add(entry.getKey());
            } else {
                entry.setValue(u);
                next = Math.min(next, deadline(u));
            }
        }
        for (String route : forgotten) {
            routes.remove(route);
        }
        if (next == Long.MAX_VALUE) {
            routes.clear();
            lastActive.clear();
        } else {
            schedule(ctx, next);
        }
    }

    /** What is due at {@code at}: the session closes, the first week is judged, the month settles; null: forget the user. */
    private UserOnRoute due(UserOnRoute u, String route, String user, long at, Collector<UsageInput> out) {
        if (u.sessionOpen() && at >= u.lastEnd() + s.sessionGap().toMillis()) {
            out.collect(UsageInput.mark(Kind.SESSION, route, user, u.tenant(), u.lastEnd(), 0, (u.lastEnd() - u.sessionStart()) / 1000.0));
            u = new UserOnRoute(u.firstSeen(), u.uses(), u.sessionStart(), u.lastEnd(), false, u.sessions(), u.lastDay(), u.tenant(), u.flags());
        }
        if (!u.has(UserOnRoute.WEEK_JUDGED) && at >= u.firstSeen() + s.days(7)) {
            u = u.with(UserOnRoute.WEEK_JUDGED);
            if (u.sessions() == 1) {
                out.collect(UsageInput.mark(Kind.TRIED_ONCE, route, user, u.tenant(), u.firstSeen(), u.uses(), 0));
                u = u.with(UserOnRoute.TRIED_ONCE);
            }
        }
        if (!u.has(UserOnRoute.SETTLED) && at >= u.firstSeen() + s.days(s.firstMonthDays())) {
            out.collect(UsageInput.mark(Kind.SETTLED, route, user, u.tenant(), u.firstSeen(), u.uses(), 0));
            u = u.with(UserOnRoute.SETTLED);
        }
        return at >= forgetAt(u) ? null : u;
    }

    private long forgetAt(UserOnRoute u) {
        return Math.max(u.lastEnd(), u.firstSeen() + s.days(s.firstMonthDays())) + s.days(s.forgetAfterDays());
    }

    /** The earliest moment something is due for this user on this route. */
    private long deadline(UserOnRoute u) {
        long d = forgetAt(u);
        if (u.sessionOpen()) {
            d = Math.min(d, u.lastEnd() + s.sessionGap().toMillis());
        }
        if (!u.has(UserOnRoute.WEEK_JUDGED)) {
            d = Math.min(d, u.firstSeen() + s.days(7));
        }
        if (!u.has(UserOnRoute.SETTLED)) {
            d = Math.min(d, u.firstSeen() + s.days(s.firstMonthDays()));
        }
        return d;
    }

    /** Keeps one timer per user, at the earliest deadline. */
    private void schedule(Context ctx, long at) throws Exception {
        Long current = timer.value();
        if (current != null && current <= at) {
            return;
        }
        if (current != null) {
            ctx.timerService().deleteEventTimeTimer(current);
        }
        ctx.timerService().registerEventTimeTimer(at);
        timer.update(at);
    }
}
