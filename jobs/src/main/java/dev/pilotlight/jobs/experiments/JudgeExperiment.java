package dev.pilotlight.jobs.experiments;

import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.common.experiment.ExperimentState.Status;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Runs one prompt's experiment (keyed by promptId): a release state with a candidate starts it, the
 * arms' observations are counted, {@link ExperimentVerdict} and {@link CanaryRamp} decide, and a release
 * without that candidate ends it. Publishes its state on every change of status and every
 * publish_every while figures change; decisions also go out as a command and a tier-2 alert.
 * A decision is taken once: the status records it, and its ids are derived from the experiment.
 */
public final class JudgeExperiment extends KeyedProcessFunction<String, ExperimentInput, ExperimentState> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<Alert> ALERTS = new OutputTag<>("experiment-alerts") {};
    public static final OutputTag<ControlCommand> COMMANDS = new OutputTag<>("experiment-commands") {};
    private static final String SEP = "\u001f";

    private final ExperimentSettings settings;
    private final ExperimentCommands commands;
    private final long maxDecisionLagMs;
    private transient ValueState<Experiment> experiment;
    /** users seen since the split last changed, with their arm (the ratio check) */
    private transient MapState<String, String> users;
    /** arm + user → ratings counted (the raters check) */
    private transient MapState<String, Long> raters;
    /** the newest release revision seen, kept when an experiment ends (one number per prompt), so an older state replayed later cannot start it again */
    private transient ValueState<Long> lastRevision;
    private transient Counter notCounted;

    public JudgeExperiment(ExperimentSettings settings, ExperimentCommands commands, Duration maxDecisionLag) {
        this.settings = settings;
        this.commands = commands;
        this.maxDecisionLagMs = maxDecisionLag.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        experiment = getRuntimeContext().getState(new ValueStateDescriptor<>("experiment", TypeInformation.of(Experiment.class)));
        users = getRuntimeContext().getMapState(new MapStateDescriptor<>("experiment-users", Types.STRING, Types.STRING));
        raters = getRuntimeContext().getMapState(new MapStateDescriptor<>("experiment-raters", Types.STRING, Types.LONG));
        lastRevision = getRuntimeContext().getState(new ValueStateDescriptor<>("last-release-revision", Types.LONG));
        notCounted = getRuntimeContext().getMetricGroup().counter("observationsNotCounted");
    }

    @Override
    public void processElement(ExperimentInput in, Context ctx, Collector<ExperimentState> out) throws Exception {
        if (in.release() != null) {
            onRelease(in.release(), ctx, out);
        } else {
            onObservation(in.observation(), ctx, out);
        }
    }

    private void onRelease(ReleaseState r, Context ctx, Collector<ExperimentState> out) throws Exception {
        Long seen = lastRevision.value();
        if (seen != null && r.revision() <= seen) {
            return; // the same or an older release (a replay): the newest revision wins
        }
        lastRevision.update(r.revision());
        Experiment e = experiment.value();
        if (e != null && (r.candidateVersion() == null || !e.sameArms(r))) {
            end(e, r, ctx, out);
            e = null;
        }
        if (r.candidateVersion() == null) {
            return;
        }
        if (e == null) {
            e = Experiment.start(r);
            ctx.timerService().registerEventTimeTimer(deadline(e));
            if (Experiment.CANARY.equals(e.mode)) {
                ctx.timerService().registerEventTimeTimer(CanaryRamp.bakedAt(e));
            }
        } else {
            e.revision = r.revision();
            boolean resumed = e.status == Status.PAUSED;
            if (resumed || r.candidateSplit() != e.split) {
                newSplit(e, r, ctx);
            }
            if (resumed) {
                ctx.output(ALERTS, ExperimentCommands.alert(e, ExperimentCommands.PAUSE_RULE, Alert.State.RESOLVED, e.alertStartsAt,
                        r.updatedAt(), "resumed at release revision " + r.revision() + " by " + r.updatedBy(), null));
                e.status = Status.RUNNING;
                e.alertId = null;
                e.reason = "resumed at release revision " + r.revision() + " by " + r.updatedBy() + "; users counted afresh";
            }
        }
        publish(e, ctx, out);
        experiment.update(e);
    }

    /** The split changed (or a paused experiment resumes): users are counted afresh; a ramp moves to the step asked for. */
    private void newSplit(Experiment e, ReleaseState r, Context ctx) throws Exception {
        users.clear();
        e.productionArm.users = 0;
        e.candidateArm.users = 0;
        e.trackedUsers = 0;
        e.split = r.candidateSplit();
        e.splitSince = r.updatedAt();
        if (Experiment.CANARY.equals(e.mode) && e.awaitingStep >= 0 && e.planShares[e.awaitingStep] == r.candidateSplit()) {
            e.step = e.awaitingStep;
            e.awaitingStep = -1;
            e.stepStartedAt[e.step] = r.updatedAt();
            e.stepCandidateCalls = 0;
            e.reason = String.format(Locale.ROOT, "ramp step %d of %d at %.0f%%", e.step + 1, e.planShares.length, 100 * e.split);
            ctx.timerService().registerEventTimeTimer(CanaryRamp.bakedAt(e));
        }
    }

    /** The release no longer serves this candidate against this production: the experiment's last record. */
    private void end(Experiment e, ReleaseState r, Context ctx, Collector<ExperimentState> out) throws Exception {
        boolean ours = ("command:" + ExperimentCommands.ISSUER).equals(r.updatedBy()); // the release our own command made
        String how = "release revision " + r.revision() + " by " + r.updatedBy() + (ours || r.reason() == null ? "" : " (" + r.reason() + ")");
        if (e.status == Status.DECIDED) {
            e.reason = e.reason + (ours ? "; applied: " : "; overtaken before it was applied: ") + how;
        } else {
            e.status = Status.ENDED;
            e.reason = "candidate " + e.candidate + " is no longer served against " + e.production + ": " + how;
        }
        e.revision = r.revision();
        if (e.alertId != null) {
            String rule = e.decision == null ? ExperimentCommands.PAUSE_RULE : ExperimentCommands.DECISION_RULE;
            ctx.output(ALERTS, ExperimentCommands.alert(e, rule, Alert.State.RESOLVED, e.alertStartsAt, r.updatedAt(), e.reason, e.commandId));
        }
        publish(e, ctx, out);
        clear(e, ctx);
    }

    private void onObservation(ArmObservation o, Context ctx, Collector<ExperimentState> out) throws Exception {
        Experiment e = experiment.value();
        ArmTally arm = e == null || !e.open() || o.time() < e.startedAt ? null : e.armOf(o.variant(), o.version());
        if (arm == null) {
            notCounted.inc(); // no experiment, or a call of another version or from before it began
            return;
        }
        if (o.rating()) {
            countRater(o, arm);
        } else if (o.time() >= e.splitSince) {
            countUser(e, o, arm);
        }
        arm.add(o);
        if (!o.rating() && o.reachedModel() && arm == e.candidateArm) {
            e.stepCandidateCalls++;
        }
        e.dirty = true;
        if (e.status == Status.RUNNING) {
            judge(e, o.time(), ctx, out);
        }
        if (e.dirty && e.publishAt == 0) {
            e.publishAt = o.time() + settings.publishEvery().toMillis();
            ctx.timerService().registerEventTimeTimer(e.publishAt);
        }
        experiment.update(e);
    }

    private void countUser(Experiment e, ArmObservation o, ArmTally arm) throws Exception {
        if (e.trackedUsers >= settings.maxTrackedUsers() || users.contains(o.userId())) {
            return;
        }
        users.put(o.userId(), o.variant());
        arm.users++;
        e.trackedUsers++;
    }

    private void countRater(ArmObservation o, ArmTally arm) throws Exception {
        if (o.accepted() == null) {
            return;
        }
        String key = o.variant() + SEP + o.userId();
        Long before = raters.get(key);
        long was = before == null ? 0 : before;
        long now = was + o.sign();
        if (was <= 0 && now > 0) {
            arm.raters++;
        } else if (was > 0 && now <= 0) {
            arm.raters--;
        }
        if (now <= 0) {
            raters.remove(key);
        } else {
            raters.put(key, now);
        }
    }

    private long topRater(String variant) {
        long top = 0;
        try {
            for (Map.Entry<String, Long> r : raters.entries()) {
                if (r.getKey().startsWith(variant + SEP)) {
                    top = Math.max(top, r.getValue());
                }
            }
        } catch (Exception ex) {
            throw new IllegalStateException("cannot read the raters of " + variant, ex);
        }
        return top;
    }

    /** Judges the figures at event time {@code at}: a change of status, or a ramp's next step. */
    private void judge(Experiment e, long at, Context ctx, Collector<ExperimentState> out) throws Exception {
        ExperimentVerdict.Outcome outcome = ExperimentVerdict.judge(e, settings, this::topRater);
        if (outcome != null) {
            decide(e, outcome, at, ctx, out);
            return;
        }
        if (Experiment.CANARY.equals(e.mode) && e.awaitingStep >= 0) {
            askAgainIfLost(e, ctx);
            return;
        }
        CanaryRamp.Move move = Experiment.CANARY.equals(e.mode) ? CanaryRamp.due(e, at) : null;
        if (move == null) {
            return;
        }
        if (move.promote()) {
            decide(e, new ExperimentVerdict.Outcome(Status.DECIDED, ExperimentState.Decision.PROMOTE, move.reason()), at, ctx, out);
        } else if (fresh(at, ctx)) {
            ControlCommand c = commands.split(e, move.nextStep(), move.share(), move.reason(), ctx.timerService().currentProcessingTime());
            e.awaitingStep = move.nextStep();
            e.awaitingSince = ctx.timerService().currentProcessingTime();
            e.reason = move.reason() + " (asked for)";
            ctx.output(COMMANDS, c);
            publish(e, ctx, out);
        }
    }

    /**
     * A step asked for and never applied (every gateway was away until the command expired) is asked for
     * again, with the same id: a gateway that did apply it drops the repeat.
     */
    private void askAgainIfLost(Experiment e, Context ctx) {
        long now = ctx.timerService().currentProcessingTime();
        if (now - e.awaitingSince > commands.ttlMs()) {
            e.awaitingSince = now;
            ctx.output(COMMANDS, commands.split(e, e.awaitingStep, e.planShares[e.awaitingStep], e.reason, now));
        }
    }

    private void decide(Experiment e, ExperimentVerdict.Outcome outcome, long at, Context ctx, Collector<ExperimentState> out) {
        long now = ctx.timerService().currentProcessingTime();
        e.status = outcome.status();
        e.decision = outcome.decision();
        e.reason = outcome.reason();
        String rule = e.decision == null ? ExperimentCommands.PAUSE_RULE : ExperimentCommands.DECISION_RULE;
        e.alertId = ExperimentCommands.alertId(e, rule);
        e.alertStartsAt = at;
        if (e.decision != null) {
            if (fresh(at, ctx)) {
                ControlCommand c = commands.decided(e, e.decision, e.alertId, now);
                e.commandId = c.commandId();
                ctx.output(COMMANDS, c);
            } else {
                e.reason += " (decided on events older than the maximum decision lag: no command issued)";
            }
        }
        ctx.output(ALERTS, ExperimentCommands.alert(e, rule, Alert.State.FIRING, at, null, e.reason, e.commandId));
        publish(e, ctx, out);
    }

    /** Replaying last week's events must not change today's release (as for the rules' actions). */
    private boolean fresh(long eventTime, Context ctx) {
        return ctx.timerService().currentProcessingTime() - eventTime <= maxDecisionLagMs;
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<ExperimentState> out) throws Exception {
        Experiment e = experiment.value();
        if (e == null) {
            return;
        }
        if (ts == e.publishAt) {
            e.publishAt = 0;
            if (e.dirty) {
                publish(e, ctx, out);
            }
        }
        if (e.status == Status.RUNNING && Experiment.AB.equals(e.mode) && ts == deadline(e)) {
            decide(e, ExperimentVerdict.outOfTime(e, settings), ts, ctx, out);
        } else if (e.status == Status.RUNNING && Experiment.CANARY.equals(e.mode) && ts == CanaryRamp.bakedAt(e)) {
            judge(e, ts, ctx, out);
        }
        experiment.update(e);
    }

    private long deadline(Experiment e) {
        return e.startedAt + settings.maxDuration().toMillis();
    }

    private void publish(Experiment e, Context ctx, Collector<ExperimentState> out) {
        e.dirty = false;
        out.collect(e.toState(settings, ctx.timerService().currentProcessingTime()));
    }

    /** Forgets the experiment and every timer it set. */
    private void clear(Experiment e, Context ctx) throws Exception {
        ctx.timerService().deleteEventTimeTimer(deadline(e));
        if (e.publishAt != 0) {
            ctx.timerService().deleteEventTimeTimer(e.publishAt);
        }
        if (Experiment.CANARY.equals(e.mode)) {
            ctx.timerService().deleteEventTimeTimer(CanaryRamp.bakedAt(e));
        }
        experiment.clear();
        users.clear();
        raters.clear();
    }
}
