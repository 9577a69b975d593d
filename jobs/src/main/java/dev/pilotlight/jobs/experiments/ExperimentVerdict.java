package dev.pilotlight.jobs.experiments;

import dev.pilotlight.common.experiment.ExperimentState.Decision;
import dev.pilotlight.common.experiment.ExperimentState.Status;
import java.util.List;
import java.util.Locale;
import java.util.function.ToLongFunction;

/**
 * Decides what a running experiment's figures call for, in this order: a broken assignment pauses it
 * (sample-ratio mismatch), a broken guardrail rolls the candidate back, and at the horizon (both arms
 * with min_samples ratings, from enough raters) the acceptance test decides once: promote, roll back,
 * or keep production. Records the figures it judged on in the experiment (p-values, effect).
 */
public final class ExperimentVerdict {
    private ExperimentVerdict() {}

    /** A change of status, with its decision (null for a pause) and the reason with its figures. */
    public record Outcome(Status status, Decision decision, String reason) {}

    /**
     * @param topRaterSamples the most ratings one user gave in an arm ({@code production} or {@code candidate});
     *                        asked only when about to decide
     * @return the change, or null while the experiment keeps running
     */
    public static Outcome judge(Experiment e, ExperimentSettings s, ToLongFunction<String> topRaterSamples) {
        ArmTally p = e.productionArm;
        ArmTally c = e.candidateArm;
        e.srmPValue = SampleRatioCheck.pValue(p.users, c.users, e.split);
        if (e.srmPValue != null && p.users + c.users >= s.srmMinUsers() && e.srmPValue < s.srmP()) {
            return new Outcome(Status.PAUSED, null, String.format(Locale.ROOT,
                    "sample ratio mismatch: %d production and %d candidate users since the split became %.0f%% (expected %.0f and %.0f), "
                            + "p = %.2g < %s; assignment looks broken, so nothing is decided",
                    p.users, c.users, 100 * e.split, (p.users + c.users) * (1 - e.split), (p.users + c.users) * e.split, e.srmPValue,
                    s.srmP()));
        }
        List<String> broken = GuardrailCheck.broken(p, c, s);
        if (!broken.isEmpty()) {
            return new Outcome(Status.DECIDED, Decision.ROLLBACK, "guardrail broken: " + String.join("; ", broken));
        }
        if (Experiment.CANARY.equals(e.mode)) {
            return null;
        }
        return s.sequential() ? sequential(e, s, topRaterSamples) : atHorizon(e, s, topRaterSamples);
    }

    /** The fixed method: nothing before the horizon; at it, the chi-square test, once. */
    private static Outcome atHorizon(Experiment e, ExperimentSettings s, ToLongFunction<String> topRaterSamples) {
        ArmTally p = e.productionArm;
        ArmTally c = e.candidateArm;
        if (Math.min(p.samples, c.samples) < s.minSamples()) {
            return null;
        }
        String concentrated = concentrated(p, c, s, topRaterSamples);
        if (concentrated != null) {
            return new Outcome(Status.PAUSED, null, concentrated);
        }
        AcceptanceChiSquare.Result r = effect(e);
        String figures = figures(e, "chi-square " + pText(r.pValue()));
        if (r.pValue() >= s.alpha()) {
            return new Outcome(Status.DECIDED, Decision.KEEP_PRODUCTION, "no significant difference: " + figures + " >= alpha " + s.alpha());
        }
        return verdict(r.effect(), figures + " < alpha " + s.alpha());
    }

    /**
     * The sequential method: the always-valid p-value (mSPRT) after every rating once both arms have
     * sequential_min_samples; significant at any look decides, none by sequential_max_samples keeps production.
     */
    private static Outcome sequential(Experiment e, ExperimentSettings s, ToLongFunction<String> topRaterSamples) {
        ArmTally p = e.productionArm;
        ArmTally c = e.candidateArm;
        if (Math.min(p.samples, c.samples) < s.sequentialMinSamples()) {
            return null;
        }
        e.pValue = MixtureSprt.update(e.pValue, MixtureSprt.inverseLikelihoodRatio(p.accepted, p.samples, c.accepted, c.samples, s.msprtTau()));
        boolean significant = e.pValue < s.alpha();
        boolean exhausted = Math.min(p.samples, c.samples) >= s.sequentialMaxSamples();
        if (!significant && !exhausted) {
            return null;
        }
        String concentrated = concentrated(p, c, s, topRaterSamples); // asked only when about to decide: it reads every rater
        if (concentrated != null) {
            return new Outcome(Status.PAUSED, null, concentrated);
        }
        double pValue = e.pValue;
        AcceptanceChiSquare.Result r = effect(e);
        e.pValue = pValue; // the always-valid one is what decided
        String figures = figures(e, "always-valid " + pText(pValue) + " (mSPRT, tau " + s.msprtTau() + ")");
        if (!significant) {
            return new Outcome(Status.DECIDED, Decision.KEEP_PRODUCTION, "no significant difference by " + s.sequentialMaxSamples()
                    + " ratings per arm: " + figures + " >= alpha " + s.alpha());
        }
        return verdict(r.effect(), figures + " < alpha " + s.alpha());
    }

    private static Outcome verdict(double effect, String figures) {
        return effect > 0
                ? new Outcome(Status.DECIDED, Decision.PROMOTE, "candidate wins: " + figures)
                : new Outcome(Status.DECIDED, Decision.ROLLBACK, "candidate loses: " + figures);
    }

    /** The chi-square test and the effect with its interval, recorded in the experiment. */
    private static AcceptanceChiSquare.Result effect(Experiment e) {
        ArmTally p = e.productionArm;
        ArmTally c = e.candidateArm;
        AcceptanceChiSquare.Result r = AcceptanceChiSquare.of(p.accepted, p.samples, c.accepted, c.samples, Experiment.CONFIDENCE);
        e.pValue = r.pValue();
        e.effect = r.effect();
        e.effectLow = r.low();
        e.effectHigh = r.high();
        return r;
    }

    private static String figures(Experiment e, String test) {
        ArmTally p = e.productionArm;
        ArmTally c = e.candidateArm;
        return String.format(Locale.ROOT,
                "acceptance %.1f%% of %d ratings on candidate %s vs %.1f%% of %d on production %s: %+.1f points [%+.1f, %+.1f], %s",
                100 * c.acceptanceRate(), c.samples, e.candidate, 100 * p.acceptanceRate(), p.samples, e.production,
                100 * e.effect, 100 * e.effectLow, 100 * e.effectHigh, test);
    }

    /** Why the ratings come from too few people, or null. */
    private static String concentrated(ArmTally p, ArmTally c, ExperimentSettings s, ToLongFunction<String> topRaterSamples) {
        String why = concentrated("production", p, s, topRaterSamples);
        why = why != null ? why : concentrated("candidate", c, s, topRaterSamples);
        return why == null ? null : why + "; one user's ratings must not decide a release";
    }

    /** A p-value as text; one too small for a double reads "p < 1e-300" rather than "p = 0". */
    static String pText(double p) {
        return p < 1e-300 ? "p < 1e-300" : String.format(Locale.ROOT, "p = %.2g", p);
    }

    /** Why an arm's ratings come from too few people, or null. */
    private static String concentrated(String variant, ArmTally a, ExperimentSettings s, ToLongFunction<String> topRaterSamples) {
        if (a.raters < s.minRaters()) {
            return String.format(Locale.ROOT, "the %s arm's %d ratings come from %d users (at least %d needed)", variant, a.samples,
                    a.raters, s.minRaters());
        }
        long top = topRaterSamples.applyAsLong(variant);
        if (top > s.maxRaterShare() * a.samples) {
            return String.format(Locale.ROOT, "one user gave %d of the %s arm's %d ratings (%.0f%%, at most %.0f%%)", top, variant,
                    a.samples, 100.0 * top / a.samples, 100 * s.maxRaterShare());
        }
        return null;
    }

    /** The no-decision end of an A/B experiment that did not reach its horizon (or significance) by max_duration. */
    public static Outcome outOfTime(Experiment e, ExperimentSettings s) {
        if (s.sequential()) {
            return new Outcome(Status.DECIDED, Decision.KEEP_PRODUCTION, String.format(Locale.ROOT,
                    "max duration %s reached with %d production and %d candidate ratings and no significant difference (always-valid %s): "
                            + "production stays", dev.pilotlight.common.DurationText.format(s.maxDuration()), e.productionArm.samples,
                    e.candidateArm.samples, e.pValue == null ? "p not computed yet" : pText(e.pValue)));
        }
        return new Outcome(Status.DECIDED, Decision.KEEP_PRODUCTION, String.format(Locale.ROOT,
                "max duration %s reached with %d production and %d candidate ratings of the %d each needs: production stays",
                dev.pilotlight.common.DurationText.format(s.maxDuration()), e.productionArm.samples, e.candidateArm.samples,
                s.minSamples()));
    }
}
