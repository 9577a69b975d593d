package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.usage.Roster;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.jobs.alerting.ActiveRules;
import dev.pilotlight.jobs.sketch.DistinctSketch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Tallies one route's usage, quality, value and adoption (keyed by route, or by route|tenant for the route's figures for
 * one tenant; docs/usage.md) and publishes its go/no-go scorecard at every refresh and day end (event time): the days
 * of the window (tallies, and an active-user sketch per day), cohorts by first-seen week, the roster members' progress,
 * tried-once users, settled users' first-month use counts; rosters come with the rule set in force, critical security
 * alerts and each tenant's users active on any route by broadcast. Rosters and interventions are the route's, not a
 * tenant's. Interventions go out as tier-3 alerts, figures as guard.metrics samples. A scope silent for longer than its
 * window is forgotten.
 */
public final class TallyRoute extends KeyedBroadcastProcessFunction<String, UsageInput, UsageControl, Scorecard> {
    public static final OutputTag<Alert> ALERTS = new OutputTag<>("usage-alerts") {};
    public static final OutputTag<MetricSample> SAMPLES = new OutputTag<>("usage-samples") {};
    /** Open critical security alerts: alert id → the route it names, or "*" for every route. */
    public static final MapStateDescriptor<String, String> SECURITY = new MapStateDescriptor<>("security-alerts", Types.STRING, Types.STRING);
    /** Each tenant's users active on any route: tenant ("" for none) → the last count told. */
    public static final MapStateDescriptor<String, ActiveUsers> ACTIVE_USERS = new MapStateDescriptor<>("active-users-any-route",
            Types.STRING, TypeInformation.of(ActiveUsers.class));
    static final int MAX_SECURITY_ALERTS = 1_000;
    static final int MAX_TENANTS = 10_000;
    static final String RUNBOOK = "docs/runbooks/adoption.md";

    private final UsageSettings s;
    private final ActiveRules rules;
    private transient MapState<Long, DayTally> tallies;
    private transient MapState<Long, byte[]> sketches;
    private transient MapState<Long, CohortTally> cohorts;
    private transient MapState<String, RosterUser> members;
    private transient MapState<String, Long> churned;
    private transient ValueState<RouteClock> clock;
    private transient ValueState<RouteMarks> marks;

    public TallyRoute(UsageSettings settings, ActiveRules rules) {
        this.s = settings;
        this.rules = rules;
    }

    @Override
    public void open(OpenContext ctx) {
        tallies = getRuntimeContext().getMapState(new MapStateDescriptor<>("usage-days", Types.LONG, TypeInformation.of(DayTally.class)));
        sketches = getRuntimeContext().getMapState(new MapStateDescriptor<>("usage-day-users", Types.LONG,
                PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        cohorts = getRuntimeContext().getMapState(new MapStateDescriptor<>("usage-cohorts", Types.LONG, TypeInformation.of(CohortTally.class)));
        members = getRuntimeContext().getMapState(new MapStateDescriptor<>("usage-roster-members", Types.STRING,
                TypeInformation.of(RosterUser.class)));
        churned = getRuntimeContext().getMapState(new MapStateDescriptor<>("usage-tried-once", Types.STRING, Types.LONG));
        clock = getRuntimeContext().getState(new ValueStateDescriptor<>("usage-route-clock", TypeInformation.of(RouteClock.class)));
        marks = getRuntimeContext().getState(new ValueStateDescriptor<>("usage-route-marks", TypeInformation.of(RouteMarks.class)));
    }

    @Override
    public void processElement(UsageInput in, ReadOnlyContext ctx, Collector<Scorecard> out) throws Exception {
        RouteClock was = clock.value();
        RouteClock c = (was == null ? RouteClock.NEW : was).seen(in.at(), in.kind() == UsageInput.Kind.CALL);
        long day = s.dayOf(in.at());
        switch (in.kind()) {
            case CALL -> tallies.put(day, tally(day).call(in));
            case FEEDBACK -> tallies.put(day, tally(day).rating(in, s.labourRateOf(in.tenant())));
            case SESSION -> tallies.put(day, tally(day).session(in.seconds()));
            case ACTIVE -> {
                sketches.put(day, DistinctSketch.addAll(sketches.get(day), in.who()));
                Roster roster = roster(in, ctx);
                for (String user : in.who()) {
                    member(user, roster, in);
                }
            }
            case FIRST, REGULAR, POWER -> { // milestones carry the user's first-seen time: their cohort
                cohort(in.at(), in.kind() == UsageInput.Kind.FIRST ? 1 : 0, in.kind() == UsageInput.Kind.REGULAR ? 1 : 0,
                        in.kind() == UsageInput.Kind.POWER ? 1 : 0, 0);
                member(in.user(), roster(in, ctx), in);
            }
            case TRIED_ONCE -> {
                cohort(in.at(), 0, 0, 0, 1);
                churned.put(in.user(), in.at());
            }
            case RETURNED -> {
                Long firstSeen = churned.get(in.user());
                if (firstSeen != null) {
                    cohort(firstSeen, 0, 0, 0, -1);
                    churned.remove(in.user());
                }
            }
            case SETTLED -> {
                RouteMarks m = marks();
                m.settle((int) Math.min(Integer.MAX_VALUE, in.count()), s.settledUsersKept());
                marks.update(m);
            }
        }
        if (c.timer() == 0) {
            c = c.timer(s.nextTick(in.at()));
            ctx.timerService().registerEventTimeTimer(c.timer());
        }
        if (!c.equals(was)) { // most milestones carry an older time: nothing to write
            clock.update(c);
        }
    }

    private RouteMarks marks() throws Exception {
        return marks.value() == null ? new RouteMarks() : marks.value();
    }

    private DayTally tally(long day) throws Exception {
        DayTally t = tallies.get(day);
        return t == null ? DayTally.EMPTY : t;
    }

    /**
     * A roster member's progress, from their milestones (roster members only: bounded by the roster): the first call,
     * the last active day, and the first-month uses reached (regular, power). A member whose first call came before
     * their roster was in force counts from their first active day since.
     */
    private void member(String user, Roster roster, UsageInput in) throws Exception {
        if (roster == null || !roster.includes(user)) {
            return;
        }
        RosterUser u = members.get(user);
        long firstCall = u == null ? in.at() : in.kind() == UsageInput.Kind.FIRST ? Math.min(u.firstCall(), in.at()) : u.firstCall();
        long lastDay = Math.max(u == null ? Long.MIN_VALUE : u.lastDay(), in.kind() == UsageInput.Kind.ACTIVE ? s.dayOf(in.at()) : Long.MIN_VALUE);
        int uses = u == null ? 0 : u.uses();
        if (in.kind() == UsageInput.Kind.REGULAR || in.kind() == UsageInput.Kind.POWER) {
            uses = Math.max(uses, (int) in.count());
        }
        members.put(user, new RosterUser(firstCall, lastDay, uses));
    }

    /** The roster in force for the input's route; none for a tenant's tally (rosters name a route's users). */
    private Roster roster(UsageInput in, ReadOnlyContext ctx) throws Exception {
        return in.perTenant() ? null : rules.current(ctx.getBroadcastState(ActiveRules.RULES)).roster(in.route());
    }

    private void cohort(long firstSeen, int users, int regular, int power, int triedOnce) throws Exception {
        long week = Math.floorDiv(firstSeen, s.days(7));
        CohortTally c = cohorts.get(week);
        cohorts.put(week, (c == null ? CohortTally.EMPTY : c).plus(users, regular, power, triedOnce));
    }

    @Override
    public void processBroadcastElement(UsageControl c, Context ctx, Collector<Scorecard> out) throws Exception {
        if (c.rules() != null) {
            rules.accept(c.rules(), ctx.getBroadcastState(ActiveRules.RULES));
        }
        if (c.activeUsers() != null) {
            activeUsers(c.activeUsers(), ctx.getBroadcastState(ACTIVE_USERS));
        }
        Alert a = c.alert();
        if (a != null && critical(a)) {
            BroadcastState<String, String> open = ctx.getBroadcastState(SECURITY);
            if (a.state() == Alert.State.RESOLVED) {
                open.remove(a.alertId());
            } else if (open.contains(a.alertId()) || count(open) < MAX_SECURITY_ALERTS) {
                String route = a.labels() == null ? null : a.labels().get("route");
                open.put(a.alertId(), route == null ? "*" : route);
            }
        }
    }

    private static void activeUsers(ActiveUsers a, BroadcastState<String, ActiveUsers> known) throws Exception {
        if (a.gone()) {
            known.remove(a.tenant());
        } else if (known.contains(a.tenant()) || count(known) < MAX_TENANTS) {
            known.put(a.tenant(), a);
        }
    }

    /** A critical security alert: at or below security_tier, carrying security_label. */
    public boolean critical(Alert a) {
        return a.tier() <= s.securityTier() && a.labels() != null && s.securityLabelValue().equals(a.labels().get(s.securityLabelKey()));
    }

    private static int count(ReadOnlyBroadcastState<String, ?> state) throws Exception {
        int n = 0;
        for (Map.Entry<String, ?> ignored : state.immutableEntries()) {
            n++;
        }
        return n;
    }

    @Override
    public void onTimer(long at, OnTimerContext ctx, Collector<Scorecard> out) throws Exception {
        RouteClock c = clock.value();
        if (c == null) {
            return;
        }
        Scope scope = Scope.of(ctx.getCurrentKey());
        long today = s.dayOf(at - 1);
        forgetOld(today);
        RouteMarks m = marks();
        ActiveRules.Snapshot in = rules.current(ctx.getBroadcastState(ActiveRules.RULES));
        Judged j = scorecard(scope, at, today, c, m, scope.tenant() == null ? in.roster(scope.route()) : null,
                openSecurity(ctx.getBroadcastState(SECURITY), scope.route()), ctx.getBroadcastState(ACTIVE_USERS));
        out.collect(j.card());
        ctx.output(SAMPLES, UsageSamples.of(j.card()));
        if (at % s.dayMs() == 0 && scope.tenant() == null) {
            intervene(scope.route(), j.due(), at, m, in.version(), ctx);
            marks.update(m);
        }
        if (at - c.lastActivity() > s.days(s.keptDays())) {
            clear(); // silent for longer than its window: nothing left to tell
            return;
        }
        c = c.timer(s.nextTick(at));
        ctx.timerService().registerEventTimeTimer(c.timer());
        clock.update(c);
    }

    /** A scorecard, and the interventions it lists (the day end's alerts follow them). */
    private record Judged(Scorecard card, Map<String, Interventions.Needed> due) {}

    private Judged scorecard(Scope scope, long at, long today, RouteClock clk, RouteMarks m, Roster roster, int openSecurity,
                             ReadOnlyBroadcastState<String, ActiveUsers> anyRoute) throws Exception {
        Map<Long, DayTally> days = new HashMap<>();
        for (Map.Entry<Long, DayTally> e : tallies.entries()) {
            days.put(e.getKey(), e.getValue());
        }
        Map<Long, byte[]> users = new HashMap<>();
        for (Map.Entry<Long, byte[]> e : sketches.entries()) {
            users.put(e.getKey(), e.getValue());
        }
        UsageWindow w = new UsageWindow(s, today, s.dayOf(clk.firstCall() == Long.MAX_VALUE ? at - 1 : clk.firstCall()), days, users);
        Scorecard.Funnel funnel = null;
        Integer active = null;
        if (roster != null) {
            Map<String, RosterUser> known = new HashMap<>();
            for (Map.Entry<String, RosterUser> e : members.entries()) {
                known.put(e.getKey(), e.getValue());
            }
            long invitedAt = roster.invitedAt() != null ? roster.invitedAt() : Math.min(clk.firstCall(), at);
            funnel = AdoptionFunnel.of(roster, invitedAt, known, s);
            active = AdoptionFunnel.activeThisWeek(roster, known, today);
        }
        Scorecard.Usage usage = w.usage(roster == null ? null : roster.users().size(), active);
        Scorecard.Adoption adoption = FeatureAdoption.of(usage, scope.tenant(), anyRoute.immutableEntries());
        Scorecard.Quality quality = w.quality();
        Scorecard.Value value = RoiProjection.of(w.total(), w.observedDays(), scope.tenant(), s);
        List<Scorecard.Criterion> criteria = JudgeScorecard.criteria(usage, quality, value, openSecurity, scope.tenant(), s);
        // interventions are the route's: a tenant's scorecard lists none
        Map<String, Interventions.Needed> due = scope.tenant() == null ? Interventions.due(funnel, at, m.settled, s) : Map.of();
        List<String> interventions = due.values().stream().map(Interventions.Needed::summary).toList();
        return new Judged(new Scorecard(SchemaVersion.CURRENT, scope.route(), scope.tenant(), at, s.dayMs(), JudgeScorecard.verdict(criteria),
                criteria, usage, adoption, quality, value, funnel, cohorts(at), triedOnce(), interventions, w.daily(), null), due);
    }

    /** A tally's key: the route, or route|tenant (Scorecard#key). */
    record Scope(String route, String tenant) {
        static Scope of(String key) {
            int bar = key.indexOf('|');
            return bar < 0 ? new Scope(key, null) : new Scope(key.substring(0, bar), key.substring(bar + 1));
        }
    }

    private List<Scorecard.Cohort> cohorts(long at) throws Exception {
        List<Scorecard.Cohort> out = new ArrayList<>();
        for (Map.Entry<Long, CohortTally> e : cohorts.entries()) {
            long start = e.getKey() * s.days(7);
            CohortTally c = e.getValue();
            out.add(new Scorecard.Cohort(start, c.users(), c.regular(), c.power(), c.triedOnce(),
                    at >= start + s.days(7) + s.days(s.firstMonthDays())));
        }
        out.sort(Comparator.comparingLong(Scorecard.Cohort::weekStart).reversed());
        return out;
    }

    /** Tried-once users, newest first, at most max_listed_users. */
    private List<String> triedOnce() throws Exception {
        List<Map.Entry<String, Long>> all = new ArrayList<>();
        for (Map.Entry<String, Long> e : churned.entries()) {
            all.add(Map.entry(e.getKey(), e.getValue()));
        }
        all.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return all.stream().limit(s.maxListedUsers()).map(Map.Entry::getKey).toList();
    }

    private static int openSecurity(ReadOnlyBroadcastState<String, String> state, String route) throws Exception {
        int n = 0;
        for (Map.Entry<String, String> e : state.immutableEntries()) {
            n += e.getValue().equals("*") || e.getValue().equals(route) ? 1 : 0;
        }
        return n;
    }

    /** Fires the interventions newly called for, resolves those no longer. */
    private void intervene(String route, Map<String, Interventions.Needed> due, long at, RouteMarks m, String rulesVersion, OnTimerContext ctx) {
        Map<String, String> labels = Map.of("route", route, "team", "product");
        for (Interventions.Needed n : due.values()) {
            if (!m.firing.containsKey(n.ruleId())) {
                m.firing.put(n.ruleId(), at);
                ctx.output(ALERTS, alert(n.ruleId(), route, at, labels, n.value(), n.threshold(), n.summary(), rulesVersion));
            }
        }
        for (String ruleId : List.copyOf(m.firing.keySet())) {
            if (!due.containsKey(ruleId)) {
                long startedAt = m.firing.remove(ruleId);
                ctx.output(ALERTS, alert(ruleId, route, startedAt, labels, 0, 0, "no longer called for", rulesVersion).resolved(at));
            }
        }
    }

    private static Alert alert(String ruleId, String route, long startsAt, Map<String, String> labels, double value, double threshold,
                               String summary, String rulesVersion) {
        return new Alert(SchemaVersion.CURRENT, DecisionIds.of("alert", ruleId, route, String.valueOf(startsAt)), ruleId, 3,
                Alert.State.FIRING, labels, value, threshold, startsAt, null, summary, RUNBOOK, null, rulesVersion);
    }

    private void forgetOld(long today) throws Exception {
        long oldestDay = today - s.keptDays();
        for (Long d : List.copyOf(keys(tallies.keys()))) {
            if (d < oldestDay) {
                tallies.remove(d);
            }
        }
        for (Long d : List.copyOf(keys(sketches.keys()))) {
            if (d < oldestDay) {
                sketches.remove(d);
            }
        }
        long oldestWeek = Math.floorDiv(today * s.dayMs(), s.days(7)) - s.cohortsKept() + 1;
        for (Long w : List.copyOf(keys(cohorts.keys()))) {
            if (w < oldestWeek) {
                cohorts.remove(w);
            }
        }
        for (String u : List.copyOf(keys(churned.keys()))) {
            if (Math.floorDiv(churned.get(u), s.days(7)) < oldestWeek) {
                churned.remove(u);
            }
        }
    }

    /** A copy of state keys, so entries can be removed while going through them. */
    static <K> List<K> keys(Iterable<K> it) {
        List<K> out = new ArrayList<>();
        it.forEach(out::add);
        return out;
    }

    private void clear() {
        tallies.clear();
        sketches.clear();
        cohorts.clear();
        members.clear();
        churned.clear();
        clock.clear();
        marks.clear();
    }
}
