package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import java.util.Locale;
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
 * Keyed by user: decides whether a client is looping, on every call, so the throttle goes out within
 * seconds of the loop's start. A loop is the same request (its fingerprint) {@code loop_repeats} times
 * within {@code loop_window}, or a minute whose calls reach {@code rate_jump_factor} times the user's
 * usual rate (and {@code rate_min_per_minute}). Either issues THROTTLE_USER for {@code loop_throttle_for}
 * and a tier-2 alert with the evidence. The state goes when the user has been quiet for {@code loop_idle_after}.
 */
public final class DetectRunawayLoop extends KeyedProcessFunction<String, InvocationEvent, Alert> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<ControlCommand> COMMANDS = new OutputTag<>("loop-commands") {};
    private static final long MINUTE = 60_000;
    /** A user's distinct requests tracked per window: a client sending only new requests keeps the map this small. */
    private static final int MAX_FINGERPRINTS = 256;

    private final CostSettings settings;
    private final CostCommands commands;
    private transient ValueState<LoopWatch> watch;
    /** How often each request fingerprint came in the current window: per entry, so a call reads and writes one small value. */
    private transient MapState<String, Integer> repeats;

    public DetectRunawayLoop(CostSettings settings, CostCommands commands) {
        this.settings = settings;
        this.commands = commands;
    }

    /** Calls of a user; embeddings and refused calls count too: a loop is a loop whatever it asks. */
    public static boolean relevant(dev.pilotlight.jobs.ingest.Envelope e) {
        return e.invocation() != null && e.invocation().userId() != null;
    }

    @Override
    public void open(OpenContext ctx) {
        watch = getRuntimeContext().getState(new ValueStateDescriptor<>("loop-watch", TypeInformation.of(LoopWatch.class)));
        repeats = getRuntimeContext().getMapState(new MapStateDescriptor<>("loop-repeats", Types.STRING, Types.INT));
    }

    @Override
    public void processElement(InvocationEvent e, Context ctx, Collector<Alert> out) throws Exception {
        LoopWatch w = watch.value();
        if (w == null) {
            w = new LoopWatch();
        }
        long t = e.timestamp();
        String evidence = countMinute(w, t);
        String repeated = countRepeat(w, e.requestHash(), t);
        if (evidence == null) {
            evidence = repeated;
        }
        if (evidence != null && t >= w.throttledUntil && commands.fresh(t, ctx.timerService().currentProcessingTime())) {
            throttle(w, e, evidence, ctx, out);
        }
        w.idleTimer = IdleTimer.move(ctx.timerService(), w.idleTimer, t + settings.loopIdleAfter().toMillis(), MINUTE);
        watch.update(w);
    }

    /** Counts the call in its minute (folding finished minutes into the usual rate); the evidence of a jump, or null. */
    private String countMinute(LoopWatch w, long t) {
        long minute = t - Math.floorMod(t, MINUTE);
        if (minute > w.minuteStart) {
            if (w.minuteStart != 0) {
                double alpha = 2.0 / (settings.rateBaselineMinutes() + 1);
                long gaps = Math.min((minute - w.minuteStart) / MINUTE, settings.rateBaselineMinutes() * 4L);
                w.usualPerMinute = alpha * w.minuteCalls + (1 - alpha) * w.usualPerMinute;
                for (long i = 1; i < gaps; i++) { // quiet minutes count as minutes with no calls
                    w.usualPerMinute *= 1 - alpha;
                }
                w.minutesSeen += (int) gaps;
            }
            w.minuteStart = minute;
            w.minuteCalls = 0;
        } else if (minute < w.minuteStart) {
            return null; // out of order by more than a minute: counted nowhere, judged on nothing
        }
        w.minuteCalls++;
        double limit = Math.max(settings.rateMinPerMinute(), settings.rateJumpFactor() * w.usualPerMinute);
        if (w.minutesSeen >= settings.rateMinHistory() && w.minuteCalls >= limit) {
            return String.format(Locale.ROOT, "%d calls this minute against a usual %.1f per minute (x%.0f, over %d minutes)",
                    w.minuteCalls, w.usualPerMinute, settings.rateJumpFactor(), w.minutesSeen);
        }
        return null;
    }

    /** Counts the request's fingerprint in the current window; the evidence of a loop, or null. */
    private String countRepeat(LoopWatch w, String fingerprint, long t) throws Exception {
        if (fingerprint == null) {
            return null;
        }
        if (t >= w.windowStart + settings.loopWindow().toMillis()) {
            w.windowStart = t;
            w.fingerprints = 0;
            repeats.clear();
        }
        Integer seen = repeats.get(fingerprint);
        if (seen == null && w.fingerprints >= MAX_FINGERPRINTS) {
            return null;
        }
        if (seen == null) {
            w.fingerprints++;
        }
        int n = seen == null ? 1 : seen + 1;
        repeats.put(fingerprint, n);
        if (n >= settings.loopRepeats()) {
            return String.format(Locale.ROOT, "the same request %d times in %d s (loop_repeats %d within %s)", n,
                    Math.max(1, (t - w.windowStart) / 1000), settings.loopRepeats(), settings.loopWindow());
        }
        return null;
    }

    private void throttle(LoopWatch w, InvocationEvent e, String evidence, Context ctx, Collector<Alert> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime(); // the wall clock on a cluster; a test harness sets it
        long until = e.timestamp() + settings.loopThrottleFor().toMillis();
        String alertId = CostCommands.loopAlertId(e.userId(), e.timestamp());
        ControlCommand c = commands.loop(e.userId(), e.timestamp(), settings.loopThrottlePerMinute(), until,
                "runaway loop: " + evidence, alertId, now);
        ctx.output(COMMANDS, c);
        out.collect(CostCommands.loopAlert(e.userId(), e.tenant(), evidence + "; throttled to "
                + settings.loopThrottlePerMinute() + "/min until " + java.time.Instant.ofEpochMilli(until), w.minuteCalls,
                settings.loopRepeats(), e.timestamp(), c.commandId()));
        w.throttledUntil = until;
        w.throttledAt = e.timestamp();
        w.tenant = e.tenant();
        w.fingerprints = 0;
        repeats.clear();
        ctx.timerService().registerEventTimeTimer(until);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        LoopWatch w = watch.value();
        if (w == null) {
            return;
        }
        if (timestamp == w.throttledUntil) {
            out.collect(CostCommands.loopAlert(ctx.getCurrentKey(), w.tenant, "the throttle has ended", 0, 0, w.throttledAt, null)
                    .resolved(timestamp));
        }
        if (timestamp >= w.idleTimer && timestamp >= w.throttledUntil) {
            if (timestamp != w.idleTimer) {
                ctx.timerService().deleteEventTimeTimer(w.idleTimer);
            }
            watch.clear(); // quiet for loop_idle_after and no throttle left to resolve: nothing of the user is kept
            repeats.clear();
        }
    }
}
