package dev.pilotlight.local.bench;

import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.experiment.ExperimentState.Decision;
import dev.pilotlight.common.experiment.ExperimentState.Status;
import dev.pilotlight.jobs.experiments.AcceptanceChiSquare;
import dev.pilotlight.jobs.experiments.ArmObservation;
import dev.pilotlight.jobs.experiments.Experiment;
import dev.pilotlight.jobs.experiments.ExperimentSettings;
import dev.pilotlight.jobs.experiments.ExperimentVerdict;
import java.io.PrintStream;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * {@code ./pilotlight bench experiments}: the verdict's error rates by simulation, through the module's own
 * decision code ({@link ExperimentVerdict}) with the shipped settings. A/A experiments (both arms accept
 * at the same rate) measure the false-positive rate at the horizon; experiments with a lift measure the
 * power; the same A/A streams tested every 100 ratings ("peeking") show what a test repeated until it
 * is significant would do. Users are assigned to arms at random (sticky, 50%), so the sample-ratio check
 * sees real assignment noise.
 */
public final class ExperimentVerdictBench {
    private static final String[] ARMS = {"production", "candidate"};

    private final ExperimentSettings settings;
    private final int experiments;
    private final int users;
    private final PrintStream out;

    public ExperimentVerdictBench(ExperimentSettings settings, int experiments, int users, PrintStream out) {
        this.settings = settings;
        this.experiments = experiments;
        this.users = users;
        this.out = out;
    }

    /** What a batch of simulated experiments decided, and after how many ratings per arm (the smaller arm). */
    public record Outcomes(Map<Decision, Integer> decisions, int paused, int peekingSignificant, int runs, long ratingsAtDecision) {
        double share(Decision d) {
            return decisions.getOrDefault(d, 0) / (double) runs;
        }
    }

    public void run(double base, double lift, long seed) {
        out.printf(Locale.ROOT, "experiments bench: %d simulated experiments per case, %d users at a 50%% split, horizon %d ratings per arm, "
                + "alpha %s%n", experiments, users, settings.minSamples(), settings.alpha());
        Outcomes aa = simulate(base, base, seed, "A/A");
        Outcomes ab = simulate(base, base + lift, seed + 1, String.format(Locale.ROOT, "lift %+.0f points", 100 * lift));
        double falsePositive = aa.share(Decision.PROMOTE) + aa.share(Decision.ROLLBACK);
        double power = ab.share(Decision.PROMOTE);
        double expectedPower = normalPower(base, base + lift, settings.minSamples(), settings.alpha());
        org.apache.commons.math3.stat.interval.ConfidenceInterval fp = AcceptanceChiSquare.wilson(aa.runs(),
                Math.round(falsePositive * aa.runs()), 0.95);
        out.printf(Locale.ROOT, "A/A at %.0f%%: false positives %.1f%% [%.1f%%, %.1f%%] (promoted %.1f%%, rolled back %.1f%%; target <= %.0f%%), "
                        + "paused by the sample-ratio check %.1f%%%n", 100 * base, 100 * falsePositive, 100 * fp.getLowerBound(),
                100 * fp.getUpperBound(), 100 * aa.share(Decision.PROMOTE),
                100 * aa.share(Decision.ROLLBACK), 100 * settings.alpha(), 100.0 * aa.paused() / aa.runs());
        out.printf(Locale.ROOT, "A/A with peeking (chi-square after every 100 ratings per arm, stop at the first p < alpha): "
                + "%.1f%% false positives%n", 100.0 * aa.peekingSignificant() / aa.runs());
        out.printf(Locale.ROOT, "%.0f%% vs %.0f%% at %d ratings per arm: power %.1f%% (normal approximation: %.1f%%)%n",
                100 * base, 100 * (base + lift), settings.minSamples(), 100 * power, 100 * expectedPower);
        sequential(base, lift, seed);
    }

    /** The sequential method (mSPRT), judged after every rating as the module does: false positives with peeking, power, sample sizes. */
    private void sequential(double base, double lift, long seed) {
        ExperimentSettings seq = settings.sequential() ? settings
                : settings.sequential(settings.msprtTau(), settings.sequentialMinSamples(), settings.sequentialMaxSamples());
        out.printf(Locale.ROOT, "sequential method: mSPRT with tau %s, judged after every rating from %d ratings per arm, "
                + "no difference by %d keeps production%n", seq.msprtTau(), seq.sequentialMinSamples(), seq.sequentialMaxSamples());
        Outcomes aa = new ExperimentVerdictBench(seq, experiments, users, out).simulate(base, base, seed + 2, "sequential A/A");
        Outcomes small = new ExperimentVerdictBench(seq, experiments, users, out).simulate(base, base + lift, seed + 3,
                String.format(Locale.ROOT, "sequential lift %+.0f points", 100 * lift));
        Outcomes large = new ExperimentVerdictBench(seq, experiments, users, out).simulate(base, base + 3 * lift, seed + 4,
                String.format(Locale.ROOT, "sequential lift %+.0f points", 300 * lift));
        double fp = aa.share(Decision.PROMOTE) + aa.share(Decision.ROLLBACK);
        out.printf(Locale.ROOT, "sequential A/A, looked at after every rating: false positives %.1f%% (target <= %.0f%%)%n", 100 * fp,
                100 * seq.alpha());
        out.printf(Locale.ROOT, "sequential %.0f%% vs %.0f%%: power %.1f%% by %d ratings per arm, decided after %d ratings per arm on average%n",
                100 * base, 100 * (base + lift), 100 * small.share(Decision.PROMOTE), seq.sequentialMaxSamples(), small.ratingsAtDecision());
        out.printf(Locale.ROOT, "sequential %.0f%% vs %.0f%%: power %.1f%%, decided after %d ratings per arm on average (the fixed method "
                + "waits for %d)%n", 100 * base, 100 * (base + 3 * lift), 100 * large.share(Decision.PROMOTE), large.ratingsAtDecision(),
                settings.minSamples());
    }

    private Outcomes simulate(double pProduction, double pCandidate, long seed, String label) {
        Random r = new Random(seed);
        Map<Decision, Integer> decisions = new EnumMap<>(Decision.class);
        int paused = 0;
        int peeking = 0;
        long ratingsAtDecision = 0;
        for (int i = 0; i < experiments; i++) {
            Experiment e = experiment(r);
            if (e.status == Status.PAUSED) {
                paused++;
                continue;
            }
            boolean significantEarlier = false;
            double share = e.candidateArm.users / (double) users; // traffic follows the users
            long nextPeek = 100;
            ExperimentVerdict.Outcome o = null;
            while (settings.sequential() ? o == null : Math.min(e.productionArm.samples, e.candidateArm.samples) < settings.minSamples()) {
                boolean candidate = r.nextDouble() < share;
                double p = candidate ? pCandidate : pProduction;
                (candidate ? e.candidateArm : e.productionArm).add(rating(candidate ? 1 : 0, r.nextDouble() < p));
                if (settings.sequential()) {
                    o = ExperimentVerdict.judge(e, settings, arm -> 0);
                    continue;
                }
                long n = Math.min(e.productionArm.samples, e.candidateArm.samples);
                if (n >= nextPeek && n < settings.minSamples()) {
                    nextPeek += 100;
                    significantEarlier |= AcceptanceChiSquare.of(e.productionArm.accepted, e.productionArm.samples, e.candidateArm.accepted,
                            e.candidateArm.samples, 0.95).pValue() < settings.alpha();
                }
            }
            if (!settings.sequential()) {
                o = ExperimentVerdict.judge(e, settings, arm -> 0);
            }
            ratingsAtDecision += Math.min(e.productionArm.samples, e.candidateArm.samples);
            peeking += significantEarlier || (o != null && o.decision() != Decision.KEEP_PRODUCTION) ? 1 : 0;
            if (o != null && o.status() == Status.PAUSED) {
                paused++;
            } else if (o != null) {
                decisions.merge(o.decision(), 1, Integer::sum);
            }
            if ((i + 1) % Math.max(1, experiments / 10) == 0) {
                out.printf(Locale.ROOT, "  %s: %d of %d experiments%n", label, i + 1, experiments);
            }
        }
        return new Outcomes(decisions, paused, peeking, experiments, ratingsAtDecision / Math.max(1, experiments - paused));
    }

    /** A fresh experiment at a 50% split with {@code users} users assigned at random, every one of them a rater. */
    private Experiment experiment(Random r) {
        Experiment e = new Experiment();
        e.experimentId = "sim";
        e.promptId = "sim";
        e.production = "1.0.0";
        e.candidate = "1.1.0";
        e.mode = Experiment.AB;
        e.split = 0.5;
        e.status = Status.RUNNING;
        for (int u = 0; u < users; u++) {
            if (r.nextBoolean()) {
                e.candidateArm.users++;
            } else {
                e.productionArm.users++;
            }
        }
        e.productionArm.raters = e.productionArm.users;
        e.candidateArm.raters = e.candidateArm.users;
        if (e.candidateArm.users == 0 || e.productionArm.users == 0) {
            e.status = Status.PAUSED;
        }
        return e;
    }

    private static ArmObservation rating(int arm, boolean accepted) {
        return new ArmObservation("sim", "sim", ARMS[arm], arm == 1 ? "1.1.0" : "1.0.0", "u", 0, true, (InvocationStatus) null, 0, 0,
                accepted, accepted ? 1 : -1, 1);
    }

    /** Power of the two-sided two-proportion test at n per arm, by the normal approximation (for comparison). */
    static double normalPower(double p0, double p1, int n, double alpha) {
        NormalDistribution z = new NormalDistribution();
        double se = Math.sqrt(p0 * (1 - p0) / n + p1 * (1 - p1) / n);
        double crit = z.inverseCumulativeProbability(1 - alpha / 2);
        double d = Math.abs(p1 - p0) / se;
        return (1 - z.cumulativeProbability(crit - d)) + z.cumulativeProbability(-crit - d);
    }
}
