package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.Baseline;
import dev.pilotlight.common.rules.Metric;
import dev.pilotlight.common.rules.ThresholdRule;
import dev.pilotlight.jobs.sketch.DistinctSketch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides when a threshold rule fires and resolves for one group (the key: rule id and group values).
 * The window slides in buckets of 1/60 of it (at least 1 s); a running total is updated on every
 * event, so a breach is seen on the event that causes it, not when a window closes or a watermark
 * arrives. Semantics follow Prometheus: pending until the condition has held for {@code for}, one
 * FIRING per episode, RESOLVED once clear for {@code keep_firing_for}. Quiet groups are re-evaluated
 * by event-time timers as buckets leave the window. Distinct counts, which cannot be subtracted,
 * are evaluated at bucket ends only.
 */
public final class ThresholdRuleEvaluator extends KeyedBroadcastProcessFunction<String, RuleInput, GuardBroadcast, Alert> {
    private static final long serialVersionUID = 1L;

    /** Latest release state per promptId, broadcast from guard.releases (for ROLLBACK_PROMPT). */
    public static final MapStateDescriptor<String, ReleaseState> RELEASES =
            new MapStateDescriptor<>("releases", Types.STRING, TypeInformation.of(ReleaseState.class));
    public static final OutputTag<ControlCommand> COMMANDS = new OutputTag<>("rule-commands") {};
    /** Sums {numerator, denominator} per release input key, for previous_release baselines. */
    public static final MapStateDescriptor<String, double[]> TOTALS = new MapStateDescriptor<>("release-totals", Types.STRING,
            org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final ActiveRules rules;
    private final ActionCommands commands;

    private transient MapState<Long, WindowAggregate> buckets;
    private transient ValueState<KeyStatus> status;
    private transient org.apache.flink.metrics.Counter lateInputs;
    private transient org.apache.flink.metrics.Counter renewedCommands;

    public ThresholdRuleEvaluator(ActiveRules rules, ActionCommands commands) {
        this.rules = rules;
        this.commands = commands;
    }

    /** What the rule measures (the same in every JVM: it is kept in state); when it changes, a key's buckets no longer fit and are dropped. */
    static int fingerprint(ThresholdRule r) {
        return dev.pilotlight.common.rules.RuleFingerprint.of(r.metric(), r.where(), r.groupBy(), r.window(), r.baseline(), r.atWindowEnd());
    }

    /** Per rule object (a rule set's rules do not change), rather than hashing the rule's parts twice per input. */
    private transient java.util.Map<ThresholdRule, Integer> fingerprints;

    private int fingerprintOf(ThresholdRule r) {
        if (fingerprints == null || fingerprints.size() > 10_000) { // old rule sets' rules are dropped now and then
            fingerprints = new java.util.IdentityHashMap<>();
        }
        return fingerprints.computeIfAbsent(r, ThresholdRuleEvaluator::fingerprint);
    }

    /**
     * Rules decided on timers only, from the buckets: distinct counts (which cannot be subtracted from
     * a running total) and rules evaluated at aligned window ends.
     */
    static boolean timerOnly(ThresholdRule rule) {
        return rule.atWindowEnd() || rule.metric().aggregation() == Metric.Aggregation.DISTINCT;
    }

    /** Baselines from the rule's own past windows (not previous_release, which comes from broadcast totals). */
    static boolean keepsHistory(ThresholdRule rule) {
        return rule.baseline() != null && rule.baseline().kind() != Baseline.Kind.PREVIOUS_RELEASE;
    }

    /** Bucket width: 1/60 of the window in whole seconds, at least one second. */
    public static long bucketMs(ThresholdRule rule) {
        return Math.max(1000, rule.window().toMillis() / 60 / 1000 * 1000);
    }

    @Override
    public void open(OpenContext ctx) {
        buckets = getRuntimeContext().getMapState(new MapStateDescriptor<>("buckets", Types.LONG, TypeInformation.of(WindowAggregate.class)));
        status = getRuntimeContext().getState(new ValueStateDescriptor<>("status", TypeInformation.of(KeyStatus.class)));
        // the rule set in force, for operators: which version decides, and since when
        getRuntimeContext().getMetricGroup().gauge("rulesVersion", (Gauge<String>) rules::versionInForce);
        getRuntimeContext().getMetricGroup().gauge("rulesPublishedAt", (Gauge<Long>) rules::inForceSince);
        // inputs older than their key's window (they cannot change a decision), and commands issued again
        lateInputs = getRuntimeContext().getMetricGroup().counter("lateInputs");
        renewedCommands = getRuntimeContext().getMetricGroup().counter("renewedCommands");
    }

    @Override
    public void processElement(RuleInput in, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        ActiveRules.Snapshot active = rules.current(ctx.getBroadcastState(ActiveRules.RULES));
        ThresholdRule rule = active.rules().get(in.ruleId());
        if (rule == null) {
            return;
        }
        KeyStatus st = status.value();
        if (st != null && st.fingerprint != fingerprintOf(rule)) {
            endForChangedRule(rule.id(), active.version(), st, in.timestamp(), out);
            st = null;
        }
        if (st == null) {
            st = new KeyStatus();
            st.fingerprint = fingerprintOf(rule);
        } else if (!timerOnly(rule)) {
            restoreTotal(rule, st);
        }
        long width = bucketMs(rule);
        long window = rule.window().toMillis();
        long start = Math.floorDiv(in.timestamp(), width) * width;
        if (st.slidPast != KeyStatus.NONE && start <= st.slidPast) {
            lateInputs.inc();
            return; // older than the window: it cannot change any decision
        }
        Metric metric = rule.metric();
        WindowAggregate bucket = buckets.get(start);
        if (bucket == null) {
            bucket = new WindowAggregate();
            st.addBucket(start);
            ctx.timerService().registerEventTimeTimer(start + window); // when it leaves the window
            if (metric.aggregation() == Metric.Aggregation.DISTINCT && !rule.atWindowEnd()) {
                ctx.timerService().registerEventTimeTimer(start + width);
            }
            if (keepsHistory(rule) || rule.atWindowEnd()) {
                ctx.timerService().registerEventTimeTimer(Math.floorDiv(start, window) * window + window);
            }
        }
        bucket.add(metric, in);
        buckets.put(start, bucket);
        st.group = in.groupValues().toArray(new String[0]);
        if (!timerOnly(rule)) {
            if (st.total == null) {
                st.total = new WindowAggregate();
            }
            WindowAggregate t = st.total;
            t.add(metric, in);
            long now = Math.max(in.timestamp(), st.evaluatedAt);
            slide(rule, st, t, now);
            evaluate(rule, active.version(), st, t.value(metric), t.samples(), now, in.timestamp(), ctx, out);
        }
        status.update(st);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        KeyStatus st = status.value();
        if (st == null) {
            return;
        }
        ActiveRules.Snapshot active = rules.current(ctx.getBroadcastState(ActiveRules.RULES));
        ThresholdRule rule = active.rules().get(ctx.getCurrentKey().substring(0, ctx.getCurrentKey().indexOf('|')));
        if (rule == null || st.fingerprint != fingerprintOf(rule)) {
            endForChangedRule(ctx.getCurrentKey().substring(0, ctx.getCurrentKey().indexOf('|')), active.version(), st, timestamp, out);
            return;
        }
        long window = rule.window().toMillis();
        boolean windowEnd = timestamp % window == 0;
        if (rule.atWindowEnd()) {
            if (windowEnd) {
                Exact ended = exact(rule, st, timestamp);
                evaluate(rule, active.version(), st, ended.value, ended.samples, timestamp, timestamp, ctx, out);
                if (keepsHistory(rule)) { // after deciding: a window is not its own baseline
                    st.rememberWindow(timestamp, ended.value, rule.baseline().windowsKept(rule.window()) + 1);
                }
                if (st.firing() || st.pendingSince != KeyStatus.NONE) {
                    ctx.timerService().registerEventTimeTimer(timestamp + window); // decide the next window even if it is empty
                }
            }
        } else if (keepsHistory(rule) && windowEnd) {
            Exact past = exact(rule, st, timestamp);
            st.rememberWindow(timestamp, past.value, rule.baseline().windowsKept(rule.window()) + 1);
        }
        if (!rule.atWindowEnd() && timestamp >= st.evaluatedAt) {
            if (rule.metric().aggregation() == Metric.Aggregation.DISTINCT) {
                Exact now = exact(rule, st, timestamp);
                evaluate(rule, active.version(), st, now.value, now.samples, timestamp, timestamp, ctx, out);
            } else {
                WindowAggregate t = restoreTotal(rule, st);
                if (t != null) {
                    slide(rule, st, t, timestamp);
                    evaluate(rule, active.version(), st, t.value(rule.metric()), t.samples(), timestamp, timestamp, ctx, out);
                }
            }
        }
        // buckets the watermark has carried out of every future window (and past any baseline end)
        for (long b : st.buckets.clone()) {
            if (b + window <= timestamp && (b <= st.slidPast || timerOnly(rule))) {
                buckets.remove(b);
                st.removeBucket(b);
            }
        }
        if (st.buckets.length == 0 && !st.firing() && st.pendingSince == KeyStatus.NONE && !keepsHistory(rule)) {
            clear();
        } else {
            status.update(st);
        }
    }

    /**
     * The key's running total; for state from a version that kept it in a state of its own, rebuilt
     * from the buckets it covers (those not yet slid past).
     */
    private WindowAggregate restoreTotal(ThresholdRule rule, KeyStatus st) throws Exception {
        if (st.total != null || st.buckets.length == 0) {
            return st.total;
        }
        WindowAggregate t = new WindowAggregate();
        for (long b : st.buckets) {
            WindowAggregate a = st.slidPast == KeyStatus.NONE || b > st.slidPast ? buckets.get(b) : null;
            if (a != null) {
                t.combine(rule.metric(), a, 1);
            }
        }
        st.total = t;
        return t;
    }

    /** Takes buckets that have left the window ending at {@code now} out of the running total. */
    private void slide(ThresholdRule rule, KeyStatus st, WindowAggregate t, long now) throws Exception {
        long edge = now - rule.window().toMillis();
        for (long b : st.buckets) {
            if (b <= edge && (st.slidPast == KeyStatus.NONE || b > st.slidPast)) {
                WindowAggregate gone = buckets.get(b);
                if (gone != null) {
                    t.combine(rule.metric(), gone, -1);
                }
                st.slidPast = b;
            }
        }
    }

    private record Exact(double value, long samples) {}

    /** The metric over the window [end - window, end), merged from the buckets in state. */
    private Exact exact(ThresholdRule rule, KeyStatus st, long end) throws Exception {
        long from = end - rule.window().toMillis();
        WindowAggregate sum = new WindowAggregate();
        List<byte[]> distinct = new ArrayList<>();
        for (long b : st.buckets) {
            if (b >= from && b < end) {
                WindowAggregate a = buckets.get(b);
                if (a != null) {
                    sum.combine(rule.metric(), a, 1);
                    distinct.add(a.distinct);
                }
            }
        }
        double value = rule.metric().aggregation() == Metric.Aggregation.DISTINCT
                ? (sum.samples() == 0 ? Double.NaN : DistinctSketch.estimate(distinct)) : sum.value(rule.metric());
        return new Exact(value, sum.samples());
    }

    /**
     * The baseline for a relative rule at {@code now}, or NaN when there is not enough history yet.
     * Past values are those of aligned windows (whole hours, whole days UTC): {@code offset} takes
     * the one whose end is nearest to {@code now - ago} (within half a window), so "yesterday" is the
     * previous calendar day; {@code moving_average} the mean of those that ended within {@code over}.
     */
    static double baseline(ThresholdRule rule, KeyStatus st, long now) {
        Baseline b = rule.baseline();
        long window = rule.window().toMillis();
        if (b.kind() == Baseline.Kind.OFFSET) {
            long target = now - b.span().toMillis();
            double best = Double.NaN;
            long bestDistance = window / 2;
            for (int i = 0; i < st.pastEnds.length; i++) {
                long d = Math.abs(st.pastEnds[i] - target);
                if (d <= bestDistance) {
                    best = st.pastValues[i];
                    bestDistance = d;
                }
            }
            return best;
        }
        long oldest = now - b.span().toMillis();
        double[] values = new double[st.pastEnds.length];
        int n = 0;
        for (int i = 0; i < st.pastEnds.length; i++) {
            if (st.pastEnds[i] <= now && st.pastEnds[i] > oldest && !Double.isNaN(st.pastValues[i])) {
                values[n++] = st.pastValues[i];
            }
        }
        return n == 0 ? Double.NaN : new org.apache.commons.math3.stat.descriptive.moment.Mean().evaluate(values, 0, n);
    }

    /**
     * The rule's ratio over every call of the version this release replaced: the previous production
     * version for production, production for a candidate. NaN while unknown (no release state, no
     * total yet, or fewer calls than min_samples), so the rule cannot hold.
     */
    private double previousRelease(ThresholdRule rule, KeyStatus st, ReadOnlyContext ctx) throws Exception {
        List<String> group = Arrays.asList(st.group);
        int version = rule.groupBy().indexOf("promptVersion");
        ReleaseState release = ctx.getBroadcastState(RELEASES).get(group.get(rule.groupBy().indexOf("promptId")));
        if (release == null) {
            return Double.NaN;
        }
        String v = group.get(version);
        String previous = v.equals(release.productionVersion()) ? release.previousVersion()
                : v.equals(release.candidateVersion()) ? release.productionVersion() : null;
        if (previous == null) {
            return Double.NaN;
        }
        List<String> previousGroup = new ArrayList<>(group);
        previousGroup.set(version, previous);
        double[] total = ctx.getBroadcastState(TOTALS).get(RuleInput.keyOf(rule.id(), previousGroup));
        return total == null || total[1] < rule.minSamples() ? Double.NaN : total[0] / total[1];
    }

    /** Whether the window's evidence comes from at least the rule's {@code min_users} distinct users. */
    private boolean enoughUsers(ThresholdRule rule, KeyStatus st, long now) throws Exception {
        return rule.minUsers() <= 0 || usersInWindow(rule, st, now) >= rule.minUsers();
    }

    private long usersInWindow(ThresholdRule rule, KeyStatus st, long now) throws Exception {
        long from = now - rule.window().toMillis();
        List<byte[]> users = new ArrayList<>();
        for (long b : st.buckets) {
            if (b > from - bucketMs(rule) && b <= now) {
                WindowAggregate a = buckets.get(b);
                if (a != null && a.distinct != null) {
                    users.add(a.distinct);
                }
            }
        }
        return users.isEmpty() ? 0 : Math.round(DistinctSketch.estimate(users));
    }

    /** The pending → firing → clearing state machine, evaluated at event time {@code now}. */
    private void evaluate(ThresholdRule rule, String version, KeyStatus st, double value, long samples, long now, long eventTime,
                          ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        st.evaluatedAt = now;
        double base = rule.baseline() == null ? 0
                : rule.baseline().kind() == Baseline.Kind.PREVIOUS_RELEASE ? previousRelease(rule, st, ctx) : baseline(rule, st, now);
        double threshold = rule.effectiveThreshold(base);
        boolean holds = samples >= rule.minSamples() && !Double.isNaN(value) && !Double.isNaN(threshold)
                && rule.op().holds(value, threshold)
                && (st.firing() || enoughUsers(rule, st, now)); // checked when it matters: breaches are rare
        if (holds) {
            st.clearSince = KeyStatus.NONE;
            if (st.firing()) {
                keepDecision(rule, st, value, threshold, samples, eventTime, ctx);
                return;
            }
            if (st.pendingSince == KeyStatus.NONE) {
                st.pendingSince = now;
            }
            long due = st.pendingSince + rule.holdFor().toMillis();
            if (now >= due) {
                fire(rule, version, st, value, threshold, samples, now, eventTime, ctx, out);
            } else {
                ctx.timerService().registerEventTimeTimer(due);
            }
        } else {
            st.pendingSince = KeyStatus.NONE;
            if (!st.firing()) {
                return;
            }
            if (st.clearSince == KeyStatus.NONE) {
                st.clearSince = now;
            }
            long due = st.clearSince + rule.keepFiringFor().toMillis();
            if (now >= due) {
                Map<String, String> labels = rule.labels(Arrays.asList(st.group));
                out.collect(AlertRecords.resolved(rule, version, st.alertId, labels, value, threshold, rule.window(), st.startsAt, now, st.commandId));
                st.alertId = null;
                st.commandId = null;
                st.episode = null;
                st.commandUntil = KeyStatus.NONE;
                st.commandIssuedAt = KeyStatus.NONE;
                st.renewals = 0;
                st.clearSince = KeyStatus.NONE;
            } else {
                ctx.timerService().registerEventTimeTimer(due);
            }
        }
    }

    private void fire(ThresholdRule rule, String version, KeyStatus st, double value, double threshold, long samples, long now,
                      long eventTime, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        Map<String, String> labels = rule.labels(Arrays.asList(st.group));
        ReleaseState release = release(rule, labels, ctx);
        String episode = release != null ? ActionCommands.rollbackEpisode(release)
                : "w" + Math.floorDiv(st.pendingSince, rule.window().toMillis());
        String alertId = DecisionIds.of("alert", rule.id(), String.join("|", st.group), episode);
        st.alertId = alertId;
        st.episode = episode;
        st.startsAt = now;
        st.tier = rule.alert().tier();
        st.rememberLabels(labels);
        st.commandId = null;
        st.commandUntil = KeyStatus.NONE;
        st.renewals = 0;
        st.pendingSince = KeyStatus.NONE;
        issue(rule, st, labels, reason(rule, st, value, threshold, samples, now), eventTime, release, episode, ctx);
        out.collect(AlertRecords.firing(rule, version, alertId, labels, value, threshold, rule.window(), now, st.commandId));
    }

    /**
     * While an episode lasts its decision stands: a command the guard could not issue when the breach
     * began (it was more than max-decision-lag behind) is issued on the next fresh evaluation, and one
     * whose effect would end while the breach goes on is renewed. Same episode, same ids: idempotent.
     */
    private void keepDecision(ThresholdRule rule, KeyStatus st, double value, double threshold, long samples, long eventTime,
                              ReadOnlyContext ctx) throws Exception {
        long processingNow = ctx.timerService().currentProcessingTime();
        // checked before the reason is built: it reads every bucket of the window, on every breaching input while behind
        if (rule.action() == null || !commands.fresh(eventTime, processingNow)
                || !ActionCommands.due(st.commandId, st.commandUntil, st.commandIssuedAt, processingNow)) {
            return;
        }
        Map<String, String> labels = rule.labels(Arrays.asList(st.group));
        boolean renewal = st.commandId != null;
        String episode = renewal ? st.episode + "-r" + (st.renewals + 1) : st.episode;
        if (issue(rule, st, labels, reason(rule, st, value, threshold, samples, eventTime), eventTime, release(rule, labels, ctx), episode,
                ctx) && renewal) {
            st.renewals++;
            renewedCommands.inc();
        }
    }

    /** Builds, outputs and remembers the episode's command; false when none may go out now. */
    private boolean issue(ThresholdRule rule, KeyStatus st, Map<String, String> labels, String reason, long eventTime, ReleaseState release,
                          String episode, ReadOnlyContext ctx) {
        long processingNow = ctx.timerService().currentProcessingTime();
        ControlCommand command = commands.build(rule, labels, st.alertId, episode, reason, eventTime, processingNow, release);
        if (command == null) {
            return false;
        }
        ctx.output(COMMANDS, command);
        st.commandId = command.commandId();
        st.commandIssuedAt = processingNow;
        st.commandUntil = ActionCommands.effectEnds(command);
        return true;
    }

    private ReleaseState release(ThresholdRule rule, Map<String, String> labels, ReadOnlyContext ctx) throws Exception {
        return rule.action() != null && rule.action().type() == CommandType.ROLLBACK_PROMPT
                ? ctx.getBroadcastState(RELEASES).get(labels.get("promptId")) : null;
    }

    private String reason(ThresholdRule rule, KeyStatus st, double value, double threshold, long samples, long now) throws Exception {
        return String.format(Locale.ROOT, "%s: %s %.4g %s %.4g over %s (%d samples%s)", rule.id(),
                rule.metric().yamlName(), value, rule.op().symbol(), threshold,
                dev.pilotlight.common.DurationText.format(rule.window()), samples,
                rule.minUsers() > 0 ? ", " + usersInWindow(rule, st, now) + " users" : "");
    }

    /**
     * The rule was removed or now measures something else: a firing alert of the old rule resolves
     * (Alertmanager would otherwise hold it until its resolve timeout) and the key starts over.
     */
    private void endForChangedRule(String ruleId, String version, KeyStatus st, long at, Collector<Alert> out) throws Exception {
        if (st.firing()) {
            out.collect(new Alert(dev.pilotlight.common.event.SchemaVersion.CURRENT, st.alertId, ruleId, st.tier, Alert.State.RESOLVED,
                    st.labels(), 0, 0, st.startsAt, at, "rule " + ruleId + " changed or was removed (rule set " + version + ")",
                    null, st.commandId, version));
        }
        for (long b : st.buckets) {
            buckets.remove(b);
        }
        clear();
    }

    private void clear() {
        buckets.clear();
        status.clear();
    }

    @Override
    public void processBroadcastElement(GuardBroadcast b, Context ctx, Collector<Alert> out) throws Exception {
        if (b.rules() != null) {
            rules.accept(b.rules(), ctx.getBroadcastState(ActiveRules.RULES));
            return;
        }
        if (b.total() != null) {
            ctx.getBroadcastState(TOTALS).put(b.total().key(), new double[] {b.total().numerator(), b.total().denominator()});
            return;
        }
        ReleaseState s = b.release();
        ReleaseState known = ctx.getBroadcastState(RELEASES).get(s.promptId());
        if (known == null || s.revision() >= known.revision()) {
            ctx.getBroadcastState(RELEASES).put(s.promptId(), s);
            forgetTotalsOfRetiredVersions(s, ctx.getBroadcastState(TOTALS));
        }
    }

    /**
     * Totals are kept only for the versions a baseline can still ask for (production, previous, candidate
     * of each prompt): the broadcast state is copied into every subtask and every checkpoint, so it must
     * not grow with every release ever made. Keys end in "|promptId|promptVersion" (rollback groups).
     */
    static void forgetTotalsOfRetiredVersions(ReleaseState s, org.apache.flink.api.common.state.BroadcastState<String, double[]> totals)
            throws Exception {
        java.util.Set<String> keep = new java.util.HashSet<>(java.util.Arrays.asList(s.productionVersion(), s.previousVersion(),
                s.candidateVersion()));
        List<String> retired = new ArrayList<>();
        for (Map.Entry<String, double[]> e : totals.entries()) {
            String[] parts = e.getKey().split("\\|");
            if (parts.length >= 3 && parts[parts.length - 2].equals(s.promptId()) && !keep.contains(parts[parts.length - 1])) {
                retired.add(e.getKey());
            }
        }
        for (String k : retired) {
            totals.remove(k);
        }
    }
}
