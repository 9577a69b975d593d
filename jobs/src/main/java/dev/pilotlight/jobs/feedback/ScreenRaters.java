package dev.pilotlight.jobs.feedback;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.jobs.ingest.Envelope;
import dev.pilotlight.jobs.usage.UsageSettings;
import java.time.Instant;
import java.util.ArrayList;
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
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides whose ratings count (keyed by user, docs/usage.md "Poisoned feedback"). Ratings pass as they come; each rater
 * window is judged once the watermark has passed it (calls and ratings travel on different topics and may arrive in
 * either order). A user who rated more answers than they received (more ratings than their calls of the window and the
 * one before allow, plus a slack), or sent a one-sided burst (at least rater_burst_min ratings, nearly all the same), or
 * more than rater_max_per_window ratings at once (judged at once), is excluded: every rating of theirs not yet judged is
 * taken back (retractions, which every count subtracts), their ratings until rater_exclude_for has passed go to guard.dlq
 * with the reason, and a tier-2 security alert names the user and the evidence. Calls are only counted here (they reach
 * the modules directly); ratings pass on as envelopes.
 */
public final class ScreenRaters extends KeyedProcessFunction<String, RaterInput, Envelope> {
    public static final OutputTag<Alert> ALERTS = new OutputTag<>("rater-alerts") {};
    public static final OutputTag<DeadLetter> EXCLUDED = new OutputTag<>("excluded-ratings") {};
    static final String RULE = "feedback-poisoning";

    private final UsageSettings s;
    private transient MapState<Long, RaterCounts> windows;
    private transient MapState<String, FeedbackEvent> passed;
    private transient ValueState<Exclusion> exclusion;

    public ScreenRaters(UsageSettings settings) {
        this.s = settings;
    }

    /** Calls and ratings of known users: what the screen reads. */
    public static boolean relevant(Envelope e) {
        return e.feedback() != null ? e.feedback().userId() != null : e.invocation() != null && e.invocation().userId() != null;
    }


    @Override
    public void open(OpenContext ctx) {
        windows = getRuntimeContext().getMapState(new MapStateDescriptor<>("rater-windows", Types.LONG, TypeInformation.of(RaterCounts.class)));
        passed = getRuntimeContext().getMapState(new MapStateDescriptor<>("rater-passed", Types.STRING, TypeInformation.of(FeedbackEvent.class)));
        exclusion = getRuntimeContext().getState(new ValueStateDescriptor<>("rater-exclusion", TypeInformation.of(Exclusion.class)));
    }

    @Override
    public void processElement(RaterInput e, Context ctx, Collector<Envelope> out) throws Exception {
        long t = e.at();
        long w = s.raterWindow().toMillis();
        long start = Math.floorDiv(t, w) * w;
        FeedbackEvent f = e.rating();
        Exclusion x = exclusion.value();
        if (f != null && x != null && x.covers(t)) {
            ctx.output(EXCLUDED, DeadLetter.of(Topics.FEEDBACK, -1, -1, f.userId(), "feedback: rater " + f.userId() + " excluded until "
                    + Instant.ofEpochMilli(x.until()) + " (" + RULE + ")", JsonCodec.encodeToString(f), System.currentTimeMillis()));
            return;
        }
        if (f != null) {
            out.collect(Envelope.of(f, e.kafkaTimestamp()));
        }
        if (f != null && f.retraction()) {
            passed.remove(f.invocationId()); // KeepLastRating took it back itself
            return;
        }
        RaterCounts c = windows.get(start);
        if (c == null) {
            c = RaterCounts.NONE;
            ctx.timerService().registerEventTimeTimer(start + w); // once per window: timers live in RocksDB too
        }
        c = f == null ? c.call() : c.rating(polarity(f));
        windows.put(start, c);
        if (f != null) {
            passed.put(f.invocationId(), f);
            if (c.ratings() > s.raterMaxPerWindow()) {
                exclude(ctx.getCurrentKey(), start, t, String.format(Locale.ROOT, "%d ratings in one window (at most %d)", c.ratings(),
                        s.raterMaxPerWindow()), c, e.kafkaTimestamp(), ctx, out);
            }
        }
    }

    @Override
    public void onTimer(long at, OnTimerContext ctx, Collector<Envelope> out) throws Exception {
        long w = s.raterWindow().toMillis();
        Exclusion x = exclusion.value();
        if (x != null && at >= x.until()) {
            ctx.output(ALERTS, alert(ctx.getCurrentKey(), x.flaggedAt(), "ratings excluded until " + Instant.ofEpochMilli(x.until()), 0).resolved(at));
            exclusion.clear();
            x = null;
        }
        long start = at - w;
        RaterCounts c = windows.get(start);
        if (c == null) {
            return; // an exclusion's end, or a window already judged
        }
        RaterCounts before = windows.get(start - w);
        windows.remove(start - w); // the window just judged is the next one's "before"
        String why = x == null ? anomaly(c, before == null ? 0 : before.calls()) : null;
        if (why != null) {
            exclude(ctx.getCurrentKey(), start, at, why, c, at, ctx, out);
        } else {
            forgetJudged(at);
        }
        if (windows.get(start + w) == null) {
            windows.remove(start); // nothing after it: no "before" to keep
        }
    }

    /** Ratings up to {@code end} are judged and stay counted. */
    private void forgetJudged(long end) throws Exception {
        List<String> judged = new ArrayList<>();
        for (Map.Entry<String, FeedbackEvent> p : passed.entries()) {
            if (p.getValue().timestamp() < end) {
                judged.add(p.getKey());
            }
        }
        for (String k : judged) {
            passed.remove(k);
        }
    }

    private void exclude(String user, long since, long at, String why, RaterCounts c, long stamp, Context ctx, Collector<Envelope> out)
            throws Exception {
        for (FeedbackEvent counted : passed.values()) {
            out.collect(Envelope.of(counted.retracted(), stamp));
        }
        passed.clear();
        Exclusion x = new Exclusion(since, at + s.raterExcludeFor().toMillis(), at);
        exclusion.update(x);
        ctx.timerService().registerEventTimeTimer(x.until());
        ctx.output(ALERTS, alert(user, at, why + "; ratings excluded until " + Instant.ofEpochMilli(x.until()), c.ratings()));
    }

    /** Why a window's ratings are anomalous, or null. */
    String anomaly(RaterCounts c, int callsBefore) {
        double allowed = s.raterRatingsPerCall() * (c.calls() + callsBefore) + s.raterSlack();
        if (c.ratings() > allowed) {
            return String.format(Locale.ROOT, "%d ratings against %d calls in this window and the one before (at most %.0f)", c.ratings(),
                    c.calls() + callsBefore, allowed);
        }
        int side = Math.max(c.positive(), c.negative());
        if (c.ratings() >= s.raterBurstMin() && side >= s.raterBurstShare() * c.ratings()) {
            return String.format(Locale.ROOT, "a one-sided burst: %d of %d ratings %s within %s", side, c.ratings(),
                    side == c.negative() ? "negative" : "positive", s.raterWindow());
        }
        return null;
    }

    /** +1 a positive rating, -1 a negative one, 0 one that says neither. */
    static int polarity(FeedbackEvent f) {
        if (f.rating() != null) {
            return f.rating() == FeedbackEvent.Rating.UP ? 1 : -1;
        }
        if (f.acceptance() != null) {
            return f.acceptance() == FeedbackEvent.Acceptance.ACCEPTED || f.acceptance() == FeedbackEvent.Acceptance.MINOR_EDITS ? 1 : -1;
        }
        return f.score() == null || f.score() == 3 ? 0 : f.score() > 3 ? 1 : -1;
    }

    private static Alert alert(String user, long at, String summary, int ratings) {
        return new Alert(SchemaVersion.CURRENT, DecisionIds.of("alert", RULE, user, String.valueOf(at)), RULE, 2, Alert.State.FIRING,
                Map.of("userId", user, "team", "security"), ratings, 0, at, null, "anomalous feedback from " + user + ": " + summary,
                "docs/runbooks/security-event.md", null, null);
    }
}
