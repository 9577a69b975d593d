package dev.pilotlight.jobs.experiments;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.jobs.ingest.Envelope;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides which arm a rating counts for: the arm of the call it rates, as the call's own event says
 * (keyed by invocation id), never what the rating claims. Calls of an experiment are remembered for
 * attribution_window; a rating whose call is not known feedback_grace after it was given is not
 * attributed: it goes to guard.dlq when it claims the candidate (its variant, or its version is its route's
 * candidate), and is only counted otherwise (a production call outside any experiment looks the same to a
 * gateway). One whose variant contradicts its call's goes to guard.dlq at once.
 */
public final class AttributeFeedback extends KeyedBroadcastProcessFunction<String, Envelope, ReleaseState, ArmObservation> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> UNATTRIBUTED = new OutputTag<>("unattributed-feedback") {};
    /** The newest release state of each route: which routes run an experiment. */
    public static final MapStateDescriptor<String, ReleaseState> ROUTES =
            new MapStateDescriptor<>("experiment-routes", Types.STRING, TypeInformation.of(ReleaseState.class));

    private final long windowMs;
    private final long graceMs;
    private transient ValueState<ArmObservation> call;
    private transient ValueState<Long> forgetAt;
    private transient ListState<FeedbackEvent> pending;
    private transient ValueState<Long> pendingUntil;
    private transient Counter unattributed;

    public AttributeFeedback(ExperimentSettings s) {
        this.windowMs = s.attributionWindow().toMillis();
        this.graceMs = s.feedbackGrace().toMillis();
    }

    /** Calls of an experiment (either arm) and every rating. */
    public static boolean relevant(Envelope e) {
        InvocationEvent i = e.invocation();
        return e.feedback() != null || (i != null && i.experimentId() != null && i.promptId() != null && i.variant() != null
                && i.chatOperation());
    }

    public static String keyOf(Envelope e) {
        return e.invocation() != null ? e.invocation().eventId() : e.feedback().invocationId();
    }

    @Override
    public void open(OpenContext ctx) {
        call = getRuntimeContext().getState(new ValueStateDescriptor<>("experiment-call", TypeInformation.of(ArmObservation.class)));
        forgetAt = getRuntimeContext().getState(new ValueStateDescriptor<>("forget-call-at", Types.LONG));
        pending = getRuntimeContext().getListState(new ListStateDescriptor<>("ratings-before-call", TypeInformation.of(FeedbackEvent.class)));
        pendingUntil = getRuntimeContext().getState(new ValueStateDescriptor<>("ratings-wait-until", Types.LONG));
        unattributed = getRuntimeContext().getMetricGroup().counter("feedbackNotAttributed");
    }

    @Override
    public void processElement(Envelope e, ReadOnlyContext ctx, Collector<ArmObservation> out) throws Exception {
        if (e.invocation() != null) {
            if (call.value() != null) {
                return; // the same event again (the gateways send at least once): counted already
            }
            ArmObservation c = ArmObservation.call(e.invocation());
            out.collect(c);
            call.update(c);
            long at = c.time() + windowMs;
            forgetAt.update(at);
            ctx.timerService().registerEventTimeTimer(at);
            for (FeedbackEvent f : pending.get()) {
                attribute(f, c, ctx, out);
            }
            clearPending(ctx);
            return;
        }
        FeedbackEvent f = e.feedback();
        ArmObservation c = call.value();
        if (c != null) {
            attribute(f, c, ctx, out);
            return;
        }
        pending.add(f);
        if (pendingUntil.value() == null) {
            long at = f.timestamp() + graceMs;
            pendingUntil.update(at);
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    private void attribute(FeedbackEvent f, ArmObservation c, ReadOnlyContext ctx, Collector<ArmObservation> out) {
        if (f.variant() != null && !f.variant().equals(c.variant())) {
            reject(ctx, f, "feedback names variant " + f.variant() + " but invocation " + f.invocationId() + " was served by "
                    + c.variant() + " " + c.version() + ": not attributed");
        } else if (f.timestamp() > c.time() + windowMs) {
            unattributed.inc(); // its call is about to be forgotten anyway: too late to count
        } else {
            out.collect(ArmObservation.rating(c, f));
        }
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<ArmObservation> out) throws Exception {
        Long until = pendingUntil.value();
        if (until != null && until == ts) {
            ReadOnlyBroadcastState<String, ReleaseState> routes = ctx.getBroadcastState(ROUTES);
            for (FeedbackEvent f : pending.get()) {
                ReleaseState r = f.route() == null ? null : routes.get(f.route());
                boolean candidate = "candidate".equals(f.variant())
                        || (r != null && f.promptVersion() != null && f.promptVersion().equals(r.candidateVersion()));
                if (candidate) {
                    reject(ctx, f, "feedback for invocation " + f.invocationId() + " on route " + f.route() + " names the candidate ("
                            + f.promptVersion() + "), but no such experiment call was seen " + java.time.Duration.ofMillis(graceMs).toSeconds()
                            + " s after the rating: not attributed to any arm");
                } else {
                    unattributed.inc(); // most likely a call outside any experiment (production looks the same): not this module's
                }
            }
            pending.clear();
            pendingUntil.clear();
        }
        Long forget = forgetAt.value();
        if (forget != null && forget == ts) {
            call.clear();
            forgetAt.clear();
        }
    }

    private void clearPending(ReadOnlyContext ctx) throws Exception {
        Long until = pendingUntil.value();
        if (until != null) {
            ctx.timerService().deleteEventTimeTimer(until);
            pendingUntil.clear();
        }
        pending.clear();
    }

    private void reject(ReadOnlyContext ctx, FeedbackEvent f, String reason) {
        unattributed.inc();
        ctx.output(UNATTRIBUTED, DeadLetter.of(Topics.FEEDBACK, -1, -1, f.userId(), "experiments: " + reason,
                JsonCodec.encodeToString(f), System.currentTimeMillis()));
    }

    @Override
    public void processBroadcastElement(ReleaseState r, Context ctx, Collector<ArmObservation> out) throws Exception {
        ReleaseState known = ctx.getBroadcastState(ROUTES).get(r.route());
        if (known == null || r.revision() > known.revision()) {
            ctx.getBroadcastState(ROUTES).put(r.route(), r);
        }
    }
}
