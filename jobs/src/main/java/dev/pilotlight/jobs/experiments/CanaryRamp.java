package dev.pilotlight.jobs.experiments;

import java.util.Locale;

/**
 * Decides when a canary ramp moves on: the current step has baked (its bake time passed in event time)
 * and the candidate took its minimum calls in it, while no guardrail broke (checked before this) and no
 * rollback rule removed the candidate (which ends the experiment). The last step's end promotes.
 */
public final class CanaryRamp {
    private CanaryRamp() {}

    /** @param promote true for the last step's end; else the share of {@code nextStep} */
    public record Move(int nextStep, double share, boolean promote, String reason) {}

    /** The move due at event time {@code now}, or null while the step bakes (or the last move is not yet applied). */
    public static Move due(Experiment e, long now) {
        if (e.awaitingStep >= 0) {
            return null;
        }
        int s = e.step;
        long bakedAt = e.stepStartedAt[s] + e.planBakeMs[s];
        if (now < bakedAt || e.stepCandidateCalls < e.planMinCalls[s]) {
            return null;
        }
        String done = String.format(Locale.ROOT, "step %d of %d (%.0f%%) baked %s with %d candidate calls and no guardrail broken",
                s + 1, e.planShares.length, 100 * e.planShares[s], dev.pilotlight.common.DurationText.format(java.time.Duration.ofMillis(
                        e.planBakeMs[s])), e.stepCandidateCalls);
        if (s == e.planShares.length - 1) {
            return new Move(s, e.planShares[s], true, done + ": ramp complete, candidate promoted");
        }
        return new Move(s + 1, e.planShares[s + 1], false, done + String.format(Locale.ROOT, ": on to %.0f%%", 100 * e.planShares[s + 1]));
    }

    /** When the current step will have baked (an event-time timer checks then). */
    public static long bakedAt(Experiment e) {
        return e.stepStartedAt[e.step] + e.planBakeMs[e.step];
    }
}
