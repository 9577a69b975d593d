package dev.pilotlight.jobs.drift;

import dev.pilotlight.common.event.DriftBaseline;
import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.common.event.ReleaseChange;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.jobs.alerting.GuardBroadcast;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * Keyed by route: compares each release window with every reference it has (the release's own
 * trailing windows, the release it replaced or competes with, a pinned baseline) feature by feature,
 * then keeps the window for the references of later ones. Emits a {@link DriftScore} per feature and
 * reference, and one {@link DriftSnapshot} of both sides per window. State is bounded by
 * {@code trailing_windows} per release and {@code max_versions_per_route} releases; a route silent for
 * twice the trailing span is forgotten (docs/drift.md, "Bounds").
 */
public final class CompareWithReference extends KeyedBroadcastProcessFunction<String, ReleaseWindow, GuardBroadcast, DriftScore> {
    public static final MapStateDescriptor<String, ReleaseHistory> HISTORY = new MapStateDescriptor<>("drift-release-history",
            Types.STRING, TypeInformation.of(ReleaseHistory.class));
    /** Pinned baselines by route (guard.drift-baselines). */
    public static final MapStateDescriptor<String, DriftBaseline> BASELINES = new MapStateDescriptor<>("drift-baselines",
            Types.STRING, TypeInformation.of(DriftBaseline.class));
    public static final OutputTag<DriftSnapshot> SNAPSHOTS = new OutputTag<>("drift-snapshots", TypeInformation.of(DriftSnapshot.class)) {};

    private final DriftSettings settings;
    private final DecideFeatureDrift decide;
    private transient MapState<String, TrailingWindows> windows;
    private transient ValueState<Long> forgetAt;
    /** version|feature|reference → the CUSUM of a performance feature after its last window */
    private transient MapState<String, Double> cusums;

    public CompareWithReference(DriftSettings settings) {
        this.settings = settings;
        this.decide = new DecideFeatureDrift(settings);
    }

    @Override
    public void open(OpenContext ctx) {
        windows = getRuntimeContext().getMapState(new MapStateDescriptor<>("drift-release-windows", Types.STRING,
                TypeInformation.of(TrailingWindows.class)));
        forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("drift-forget-at", Types.LONG));
        cusums = getRuntimeContext().getMapState(new MapStateDescriptor<>("drift-cusums", Types.STRING, Types.DOUBLE));
    }

    @Override
    public void processElement(ReleaseWindow w, ReadOnlyContext ctx, Collector<DriftScore> out) throws Exception {
        ReleaseHistory history = ctx.getBroadcastState(HISTORY).get(w.route());
        history = history == null ? ReleaseHistory.empty() : history;
        List<ReleaseChange> near = history.near(w.windowStart(), w.windowEnd(), settings.releaseLookback());
        List<String> changes = ReleaseHistory.described(near, w.windowEnd());
        List<DriftScore> scores = new ArrayList<>();
        Map<String, Map<String, Map<String, Long>>> sides = new HashMap<>();
        TrailingWindows own = windows.get(w.promptVersion()); // read once: the reference, then updated with this window
        own = own == null ? new TrailingWindows() : own;
        own.dropBefore(w.windowStart() - settings.trailingSpan().toMillis());
        for (DriftReference ref : references(w, own, history, ctx.getBroadcastState(BASELINES).get(w.route()))) {
            sides.put(ref.kind(), ref.counts().counts);
            for (DriftFeature f : DriftFeature.values()) {
                if (w.histograms().total(f) > 0 || ref.counts().total(f) > 0) {
                    String cusumKey = w.promptVersion() + "|" + f.yamlName() + "|" + ref.kind();
                    Double before = f.badOutcome() == null ? null : cusums.get(cusumKey); // only performance outcomes have one
                    DriftScore s = decide.score(f, w, ref, changes, before == null ? 0 : before);
                    if ("cusum".equals(s.method())) {
                        cusums.put(cusumKey, s.score());
                    }
                    scores.add(s);
                    out.collect(s);
                }
            }
        }
        ctx.output(SNAPSHOTS, new DriftSnapshot(SchemaVersion.CURRENT, w.route(), w.promptVersion(), w.windowStart(), w.windowEnd(),
                w.histograms().counts, sides, w.histograms().missing, scores, near));
        remember(w, own);
        long forget = w.windowEnd() + 2 * settings.trailingSpan().toMillis();
        Long previous = forgetAt.value();
        if (previous == null || forget > previous) {
            if (previous != null) {
                ctx.timerService().deleteEventTimeTimer(previous);
            }
            ctx.timerService().registerEventTimeTimer(forget);
            forgetAt.update(forget);
        }
    }

    /** The references a window has: the route's pinned baseline, its release's trailing windows, and the previous release's. */
    private List<DriftReference> references(ReleaseWindow w, TrailingWindows own, ReleaseHistory history, DriftBaseline pinned)
            throws Exception {
        List<DriftReference> refs = new ArrayList<>();
        if (pinned != null) {
            DriftHistograms counts = new DriftHistograms();
            counts.counts.putAll(pinned.counts()); // only read: scores and the snapshot
            refs.add(new DriftReference(DriftReference.BASELINE, pinned.label(), counts));
        }
        if (own.size() > 0) {
            refs.add(new DriftReference(DriftReference.TRAILING, own.size() + " previous windows of " + w.promptVersion(),
                    own.merged(settings.maxCategories())));
        }
        String previous = history.previousOf(w.promptVersion());
        TrailingWindows prev = previous == null ? null : windows.get(previous);
        if (prev != null && prev.size() > 0) {
            refs.add(new DriftReference(DriftReference.PREVIOUS_RELEASE, previous + " (" + prev.size() + " windows)",
                    prev.merged(settings.maxCategories())));
        }
        return refs;
    }

    /**
     * Keeps the window for later references; forgets the release seen least recently beyond the bound,
     * with its CUSUMs.
     */
    private void remember(ReleaseWindow w, TrailingWindows own) throws Exception {
        own.add(w.windowStart(), w.histograms());
        own.dropBefore(w.windowStart() - settings.trailingSpan().toMillis() + 1);
        windows.put(w.promptVersion(), own);
        List<String> versions = new ArrayList<>();
        windows.keys().forEach(versions::add);
        if (versions.size() <= settings.maxVersionsPerRoute()) {
            return;
        }
        Map<String, Long> latest = new java.util.LinkedHashMap<>(); // each release's windows read once, in key order
        for (String v : versions) {
            latest.put(v, windows.get(v).latestStart());
        }
        while (latest.size() > settings.maxVersionsPerRoute()) {
            String oldest = latest.keySet().iterator().next();
            for (String v : latest.keySet()) {
                if (latest.get(v) < latest.get(oldest)) {
                    oldest = v;
                }
            }
            String gone = oldest;
            windows.remove(gone);
            latest.remove(gone);
            List<String> stale = new ArrayList<>();
            cusums.keys().forEach(k -> {
                if (k.startsWith(gone + "|")) {
                    stale.add(k);
                }
            });
            for (String k : stale) {
                cusums.remove(k);
            }
        }
    }

    /** The newest baseline of a route wins; one without counts clears it. */
    static void pin(DriftBaseline b, org.apache.flink.api.common.state.BroadcastState<String, DriftBaseline> pinned) throws Exception {
        DriftBaseline known = pinned.get(b.route());
        if (known != null && known.createdAt() > b.createdAt()) {
            return;
        }
        if (b.clears()) {
            pinned.remove(b.route());
        } else {
            pinned.put(b.route(), b);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<DriftScore> out) {
        windows.clear();
        forgetAt.clear();
        cusums.clear();
    }

    @Override
    public void processBroadcastElement(GuardBroadcast b, Context ctx, Collector<DriftScore> out) throws Exception {
        if (b.baseline() != null) {
            pin(b.baseline(), ctx.getBroadcastState(BASELINES));
            return;
        }
        if (b.release() == null) {
            return;
        }
        ReleaseHistory h = ctx.getBroadcastState(HISTORY).get(b.release().route());
        ctx.getBroadcastState(HISTORY).put(b.release().route(), (h == null ? ReleaseHistory.empty() : h).with(b.release()));
    }
}
