package dev.pilotlight.jobs.experiments;

import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.experiment.ArmSummary;
import dev.pilotlight.common.experiment.ExperimentState;
import dev.pilotlight.common.experiment.RampProgress;
import dev.pilotlight.common.experiment.RampStep;
import dev.pilotlight.common.event.SchemaVersion;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.interval.ConfidenceInterval;

/**
 * One prompt's running experiment in keyed state (a Flink POJO): who is compared, what each arm has
 * counted, where the verdict or the ramp stands, and which timers are set.
 */
public class Experiment {
    public static final String AB = "ab";
    public static final String CANARY = "canary";
    static final double CONFIDENCE = 0.95;

    public String experimentId;
    public String promptId;
    public String route;
    public String production;
    public String candidate;
    public String mode;
    public double split;
    public long startRevision;
    public long revision;
    public long startedAt;
    /** when the current split began (the ratio check counts the users seen since) */
    public long splitSince;
    public ExperimentState.Status status;
    public ExperimentState.Decision decision;
    public String reason;
    public String commandId;
    public String alertId;
    public long alertStartsAt;
    public Double pValue;
    public Double effect;
    public Double effectLow;
    public Double effectHigh;
    public Double srmPValue;
    public ArmTally productionArm = new ArmTally();
    public ArmTally candidateArm = new ArmTally();
    public long trackedUsers;
    /** figures changed since last published */
    public boolean dirty;
    /** the event-time timer that publishes figures, 0 when none is set */
    public long publishAt;
    // canary ramp: the plan, the current step, when each step began, the step asked for and not yet seen
    public double[] planShares;
    public long[] planBakeMs;
    public long[] planMinCalls;
    public int step;
    public long[] stepStartedAt;
    public long stepCandidateCalls;
    public int awaitingStep = -1;
    /** when that step was asked for (processing time) */
    public long awaitingSince;

    public Experiment() {}

    /** The experiment a release state with a candidate starts. */
    public static Experiment start(ReleaseState r) {
        Experiment e = new Experiment();
        e.promptId = r.promptId();
        e.route = r.route();
        e.production = r.productionVersion();
        e.candidate = r.candidateVersion();
        e.split = r.candidateSplit();
        e.startRevision = r.revision();
        e.revision = r.revision();
        e.startedAt = r.updatedAt();
        e.splitSince = r.updatedAt();
        e.experimentId = r.promptId() + ":" + r.productionVersion() + "-vs-" + r.candidateVersion() + "@r" + r.revision();
        e.status = ExperimentState.Status.RUNNING;
        e.reason = "collecting samples";
        List<RampStep> plan = r.plan();
        e.mode = plan == null || plan.isEmpty() ? AB : CANARY;
        if (e.mode.equals(CANARY)) {
            e.planShares = plan.stream().mapToDouble(RampStep::share).toArray();
            e.planBakeMs = plan.stream().mapToLong(RampStep::bakeMs).toArray();
            e.planMinCalls = plan.stream().mapToLong(RampStep::minCalls).toArray();
            e.stepStartedAt = new long[plan.size()];
            e.stepStartedAt[0] = r.updatedAt();
            e.reason = "ramp step 1 of " + plan.size() + " at " + Math.round(100 * e.planShares[0]) + "%";
        }
        e.dirty = true;
        return e;
    }

    /** Whether {@code r} serves the same two versions (a split change, not a new experiment). */
    public boolean sameArms(ReleaseState r) {
        return production.equals(r.productionVersion()) && candidate.equals(r.candidateVersion());
    }

    /** The arm an observation belongs to, or null when its variant and version are not one of this experiment's. */
    public ArmTally armOf(String variant, String version) {
        if ("candidate".equals(variant) && candidate.equals(version)) {
            return candidateArm;
        }
        if ("production".equals(variant) && production.equals(version)) {
            return productionArm;
        }
        return null;
    }

    public boolean open() {
        return status == ExperimentState.Status.RUNNING || status == ExperimentState.Status.PAUSED;
    }

    public ExperimentState toState(ExperimentSettings s, long now) {
        long samplesNeeded = s.sequential() ? s.sequentialMinSamples() : s.minSamples();
        RampProgress ramp = null;
        if (CANARY.equals(mode)) {
            List<RampStep> plan = new ArrayList<>();
            List<Long> history = new ArrayList<>();
            for (int i = 0; i < planShares.length; i++) {
                plan.add(new RampStep(planShares[i], planBakeMs[i], planMinCalls[i]));
                if (i <= step) {
                    history.add(stepStartedAt[i]);
                }
            }
            ramp = new RampProgress(plan, step, history);
        }
        return new ExperimentState(SchemaVersion.CURRENT, experimentId, promptId, route, production, candidate, split, startRevision,
                revision, startedAt, mode, CANARY.equals(mode) ? null : s.method(), status, decision, reason, List.of(summary("production", production, productionArm),
                summary("candidate", candidate, candidateArm)), pValue, effect, effectLow, effectHigh, srmPValue, samplesNeeded,
                commandId, ramp, now, null);
    }

    private static ArmSummary summary(String variant, String version, ArmTally a) {
        ConfidenceInterval err = AcceptanceChiSquare.wilson(a.calls, a.errors, CONFIDENCE);
        ConfidenceInterval acc = AcceptanceChiSquare.wilson(a.samples, a.accepted, CONFIDENCE);
        return new ArmSummary(variant, version, a.users, a.calls, a.errors, finite(a.errorRate()), err == null ? null : err.getLowerBound(),
                err == null ? null : err.getUpperBound(), a.samples, a.accepted, finite(a.acceptanceRate()),
                acc == null ? null : acc.getLowerBound(), acc == null ? null : acc.getUpperBound(), a.raters, a.thumbsUp, a.thumbsDown,
                finite(a.latencyP95()), finite(a.costPerCall()));
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
