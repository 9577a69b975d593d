package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.control.DecisionIds;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.SchemaVersion;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keyed by release (route, prompt version, model): decides at the end of each {@code token_window} whether
 * the window's output tokens per call jumped to {@code token_factor} times the release's own usual
 * (an exponentially weighted average of its earlier windows), with {@code token_min_calls} calls in the
 * window. A prompt that starts rambling costs more per call before anyone reads the answers; one tier-2
 * alert per episode, resolved by the next normal window. A release quiet for a day leaves nothing behind.
 */
public final class DetectTokenExplosion extends KeyedProcessFunction<String, InvocationEvent, Alert> {
    private static final long serialVersionUID = 1L;
    public static final String RULE = "token-explosion";
    private static final long QUIET = 24 * 3_600_000L;

    private final CostSettings settings;
    private transient ValueState<TokenHistory> state;

    public DetectTokenExplosion(CostSettings settings) {
        this.settings = settings;
    }

    /** Answered chat calls with a release: what tokens per call are judged on. */
    public static boolean answered(dev.pilotlight.jobs.ingest.Envelope e) {
        InvocationEvent i = e.invocation();
        return i != null && i.status() == dev.pilotlight.common.event.InvocationStatus.OK && !i.cacheHit() && i.chatOperation()
                && i.outputTokens() > 0;
    }

    public static String keyOf(InvocationEvent e) {
        return e.route() + "|" + e.promptVersion() + "|" + e.model();
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("token-history", TypeInformation.of(TokenHistory.class)));
    }

    @Override
    public void processElement(InvocationEvent e, Context ctx, Collector<Alert> out) throws Exception {
        TokenHistory h = state.value();
        if (h == null) {
            h = new TokenHistory();
        }
        long size = settings.tokenWindow().toMillis();
        long window = e.timestamp() - Math.floorMod(e.timestamp(), size);
        if (h.windowStart != 0 && window >= h.windowStart + size) {
            close(h, ctx.getCurrentKey(), out);
        }
        if (h.windowStart == 0) {
            h.windowStart = window;
            ctx.timerService().registerEventTimeTimer(window + size);
        } else if (window < h.windowStart) {
            return; // a window already judged
        }
        h.calls++;
        h.tokens += e.outputTokens();
        state.update(h);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        TokenHistory h = state.value();
        if (h == null) {
            return;
        }
        if (h.windowStart != 0 && timestamp == h.windowStart + settings.tokenWindow().toMillis()) {
            close(h, ctx.getCurrentKey(), out);
            h.quietTimer = IdleTimer.move(ctx.timerService(), h.quietTimer, timestamp + QUIET, 1);
            state.update(h);
        } else if (timestamp == h.quietTimer && h.windowStart == 0) {
            if (h.openAlert != null) {
                out.collect(alert(ctx.getCurrentKey(), h, 0, Alert.State.RESOLVED, h.openSince, timestamp));
            }
            state.clear(); // the release has been quiet for a day: it is probably gone
        }
    }

    /** Judges the window against the release's usual, then folds it in. */
    private void close(TokenHistory h, String release, Collector<Alert> out) {
        double perCall = h.calls == 0 ? 0 : (double) h.tokens / h.calls;
        boolean judged = h.windows >= settings.tokenMinHistory() && h.calls >= settings.tokenMinCalls();
        boolean exploded = judged && perCall >= settings.tokenFactor() * h.usual;
        long end = h.windowStart + settings.tokenWindow().toMillis();
        if (exploded && h.openAlert == null) {
            Alert a = alert(release, h, perCall, Alert.State.FIRING, h.windowStart, null);
            h.openAlert = a.alertId();
            h.openSince = h.windowStart;
            out.collect(a);
        } else if (!exploded && judged && h.openAlert != null) {
            out.collect(alert(release, h, perCall, Alert.State.RESOLVED, h.openSince, end));
            h.openAlert = null;
        }
        if (!exploded && h.calls > 0) { // an explosion must not become the usual
            double alpha = 2.0 / (settings.tokenBaselineWindows() + 1);
            h.usual = h.windows == 0 ? perCall : alpha * perCall + (1 - alpha) * h.usual;
            h.windows++;
        }
        h.windowStart = 0;
        h.calls = 0;
        h.tokens = 0;
    }

    private Alert alert(String release, TokenHistory h, double perCall, Alert.State state, long since, Long endsAt) {
        String[] parts = release.split("\\|", 3);
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("route", parts[0]);
        labels.put("promptVersion", parts[1]);
        labels.put("model", parts[2]);
        String summary = String.format(Locale.ROOT, "release %s %s on %s: %.0f output tokens per call over %d calls in %s, against a usual %.0f"
                        + " (x%.1f; alert at x%.1f)", parts[0], parts[1], parts[2], perCall, h.calls, settings.tokenWindow(), h.usual,
                h.usual == 0 ? 0 : perCall / h.usual, settings.tokenFactor());
        return new Alert(SchemaVersion.CURRENT, DecisionIds.of("alert", RULE, release, String.valueOf(since)), RULE, 2, state, labels, perCall,
                settings.tokenFactor() * h.usual, since, endsAt, summary, CostCommands.RUNBOOK, null, null);
    }
}
