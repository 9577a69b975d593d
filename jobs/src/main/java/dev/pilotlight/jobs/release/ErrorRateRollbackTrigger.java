package dev.pilotlight.jobs.release;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.rules.ThresholdRule;
import java.time.Duration;
import java.util.LinkedHashMap;
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
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides when a prompt release must be rolled back: per (route, promptId, promptVersion), the
 * error rate over each rule's sliding window, re-evaluated on every event (not when a window
 * closes), against the rule's threshold and minimum sample size. On the first breach of an
 * episode it emits one FIRING alert and one ROLLBACK_PROMPT command (unsigned; signing is a
 * separate step) to the version that was in production before; when the condition clears it
 * emits RESOLVED. Ids are derived from the rule, the key and the release revision, so a replay
 * after failure produces the same ids and consumers drop the repeat.
 */
public final class ErrorRateRollbackTrigger extends KeyedBroadcastProcessFunction<String, InvocationEvent, ReleaseState, Alert> {
    private static final long serialVersionUID = 1L;

    /** Latest release state per promptId, broadcast from guard.releases. */
    public static final MapStateDescriptor<String, ReleaseState> RELEASES =
            new MapStateDescriptor<>("releases", Types.STRING, TypeInformation.of(ReleaseState.class));
    public static final OutputTag<ControlCommand> COMMANDS = new OutputTag<>("rollback-commands") {};
    public static final String ISSUER = "pilotlight-guard/rollback";

    private final List<ThresholdRule> rules;
    private final long longestWindowMs;
    private final long commandTtlMs;
    private final long maxDecisionLagMs;

    private transient ValueState<SlidingCounts> counts;
    private transient MapState<String, Episode> firing;

    /**
     * @param commandTtl how long a command stays valid for the gateways
     * @param maxDecisionLag events older than this (against processing time) still alert but issue no
     *                       command: a replay of last week must not roll back today's release
     */
    public ErrorRateRollbackTrigger(List<ThresholdRule> rules, Duration commandTtl, Duration maxDecisionLag) {
        if (rules.isEmpty()) {
            throw new IllegalArgumentException("the rollback module needs at least one ROLLBACK_PROMPT rule");
        }
        this.rules = List.copyOf(rules);
        this.longestWindowMs = rules.stream().mapToLong(r -> r.window().toMillis()).max().orElseThrow();
        this.commandTtlMs = commandTtl.toMillis();
        this.maxDecisionLagMs = maxDecisionLag.toMillis();
    }

    /** The key of this module: the release of one prompt on one route. */
    public static String keyOf(InvocationEvent e) {
        return e.route() + "|" + e.promptId() + "|" + e.promptVersion();
    }

    @Override
    public void open(OpenContext ctx) {
        counts = getRuntimeContext().getState(new ValueStateDescriptor<>("counts", TypeInformation.of(SlidingCounts.class)));
        firing = getRuntimeContext().getMapState(new MapStateDescriptor<>("firing", Types.STRING, TypeInformation.of(Episode.class)));
    }

    @Override
    public void processElement(InvocationEvent ev, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        SlidingCounts c = counts.value();
        if (c == null) {
            c = new SlidingCounts(longestWindowMs);
        }
        if (!c.add(ev.timestamp(), ev.status().isFailure())) {
            return; // older than the longest window: cannot change any decision
        }
        counts.update(c);
        long bucket = Math.floorDiv(ev.timestamp(), SlidingCounts.BUCKET_MS) * SlidingCounts.BUCKET_MS;
        // when this bucket leaves the longest window: clean up, and resolve what has cleared
        ctx.timerService().registerEventTimeTimer(bucket + longestWindowMs + SlidingCounts.BUCKET_MS);
        for (ThresholdRule rule : rules) {
            if (firing.contains(rule.id())) {
                continue;
            }
            long[] s = c.sum(ev.timestamp(), rule.window().toMillis());
            double rate = s[0] == 0 ? 0 : (double) s[1] / s[0];
            if (s[0] >= rule.minSamples() && rule.op().holds(rate, rule.threshold())) {
                fire(rule, ev, rate, s[0], ctx, out);
            }
        }
    }

    private void fire(ThresholdRule rule, InvocationEvent ev, double rate, long calls, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        ReleaseState release = ctx.getBroadcastState(RELEASES).get(ev.promptId());
        String version = ev.promptVersion();
        String toVersion = null;
        String episode = "t" + Math.floorDiv(ev.timestamp(), rule.window().toMillis());
        if (release != null) {
            episode = "rev" + release.revision();
            if (version.equals(release.productionVersion())) {
                toVersion = release.previousVersion();
            } else if (version.equals(release.candidateVersion())) {
                toVersion = release.productionVersion();
            }
        }
        Map<String, String> labels = labels(rule, ev.route(), ev.promptId(), version);
        String alertId = DecisionIds.of("alert", rule.id(), ev.route(), ev.promptId(), version, episode);
        String commandId = null;
        long now = ctx.timerService().currentProcessingTime();
        boolean knownBad = release == null || toVersion != null;
        if (rule.action() == CommandType.ROLLBACK_PROMPT && knownBad && now - ev.timestamp() <= maxDecisionLagMs) {
            commandId = DecisionIds.of("cmd", rule.id(), ev.promptId(), version, episode);
            Map<String, String> params = new LinkedHashMap<>();
            params.put("route", ev.route());
            params.put("fromVersion", version);
            if (toVersion != null) {
                params.put("toVersion", toVersion);
            }
            if (release != null) {
                params.put("revision", String.valueOf(release.revision())); // stale if the release changes first
            }
            String reason = String.format(Locale.ROOT, "%s: error rate %.3f %s %.3f over %ds (%d calls)", rule.id(), rate,
                    rule.op().symbol(), rule.threshold(), rule.window().toSeconds(), calls);
            ctx.output(COMMANDS, new ControlCommand(SchemaVersion.CURRENT, commandId, now, CommandType.ROLLBACK_PROMPT,
                    ev.promptId(), params, reason, alertId, ISSUER, now + commandTtlMs, null));
        }
        firing.put(rule.id(), new Episode(alertId, ev.timestamp(), commandId));
        out.collect(new Alert(SchemaVersion.CURRENT, alertId, rule.id(), rule.tier(), Alert.State.FIRING, labels, rate,
                rule.threshold(), ev.timestamp(), null, rule.render(rule.summary(), labels, rate), rule.runbook(), commandId));
    }

    /** The rule's own labels plus the group labels of this key. */
    private static Map<String, String> labels(ThresholdRule rule, String route, String promptId, String version) {
        Map<String, String> labels = new LinkedHashMap<>(rule.labels() == null ? Map.of() : rule.labels());
        labels.put("route", route);
        labels.put("promptId", promptId);
        labels.put("promptVersion", version);
        return labels;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        SlidingCounts c = counts.value();
        if (c == null) {
            return;
        }
        String[] key = ctx.getCurrentKey().split("\\|", 3);
        for (ThresholdRule rule : rules) {
            Episode ep = firing.get(rule.id());
            if (ep == null) {
                continue;
            }
            long[] s = c.sum(timestamp, rule.window().toMillis());
            double rate = s[0] == 0 ? 0 : (double) s[1] / s[0];
            if (!(s[0] >= rule.minSamples() && rule.op().holds(rate, rule.threshold()))) {
                Map<String, String> labels = labels(rule, key[0], key[1], key[2]);
                out.collect(new Alert(SchemaVersion.CURRENT, ep.alertId, rule.id(), rule.tier(), Alert.State.RESOLVED, labels,
                        rate, rule.threshold(), ep.startsAt, timestamp, rule.render(rule.summary(), labels, rate), rule.runbook(), ep.commandId));
                firing.remove(rule.id());
            }
        }
        if (c.quietSince(timestamp - longestWindowMs - SlidingCounts.BUCKET_MS) && firing.isEmpty()) {
            counts.clear();
        }
    }

    @Override
    public void processBroadcastElement(ReleaseState s, Context ctx, Collector<Alert> out) throws Exception {
        ReleaseState known = ctx.getBroadcastState(RELEASES).get(s.promptId());
        if (known == null || s.revision() >= known.revision()) {
            ctx.getBroadcastState(RELEASES).put(s.promptId(), s);
        }
    }
}
