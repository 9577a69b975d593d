package dev.pilotlight.jobs.experiments;

/**
 * The sequential method's test: the mixture sequential probability ratio test (mSPRT) of Johari, Pekelis
 * and Walsh, "Always Valid Inference" (2019), for the difference of two acceptance rates. Under a normal
 * approximation the estimate Δ = p_candidate − p_production has variance V = p̄(1 − p̄)(1/n₀ + 1/n₁) (pooled
 * p̄); mixing the likelihood ratio over Δ ~ N(0, τ²) gives
 * <pre>Λ = sqrt(V / (V + τ²)) · exp(τ² Δ² / (2 V (V + τ²)))</pre>
 * a martingale under "no difference", so by Ville's inequality the always-valid p-value min over time of
 * 1/Λ stays below α with probability at most α however often it is looked at. With equal arms this is the
 * paper's two-stream formula with n pairs. No library computes it; it is this one expression.
 */
public final class MixtureSprt {
    private MixtureSprt() {}

    /** 1/Λ after these counts (1 when there is nothing to tell the arms apart by). */
    public static double inverseLikelihoodRatio(long accepted0, long samples0, long accepted1, long samples1, double tau) {
        if (samples0 == 0 || samples1 == 0) {
            return 1.0;
        }
        double pooled = (accepted0 + accepted1) / (double) (samples0 + samples1);
        double v = pooled * (1 - pooled) * (1.0 / samples0 + 1.0 / samples1);
        if (v <= 0) {
            return 1.0;
        }
        double delta = accepted1 / (double) samples1 - accepted0 / (double) samples0;
        double t2 = tau * tau;
        double logLambda = 0.5 * Math.log(v / (v + t2)) + t2 * delta * delta / (2 * v * (v + t2));
        return Math.min(1.0, Math.exp(-logLambda));
    }

    /** The always-valid p-value after one more look: never larger than the one before. */
    public static double update(Double before, double inverseLambda) {
        return before == null ? inverseLambda : Math.min(before, inverseLambda);
    }
}
