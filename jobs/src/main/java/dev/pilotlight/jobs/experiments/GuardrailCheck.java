package dev.pilotlight.jobs.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import dev.pilotlight.jobs.sketch.LatencySketch;
import org.HdrHistogram.Histogram;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Whether the candidate is worse than production by more than a margin (docs/experiments.md,
 * "Guardrails"). Error rate: a one-sided two-proportion z-test of "candidate - production > margin"
 * (unpooled variance), broken when p < guardrail_alpha. Latency: a one-sided binomial test on the share of
 * the candidate's calls slower than production's p95 plus the margin. Cost per answered call: a bound on
 * the means (candidate > production x (1 + margin)); a mean of hundreds of calls is stable and the margin
 * absorbs its noise. Judged only once both arms have guardrail_min_calls calls.
 */
public final class GuardrailCheck {
    private static final NormalDistribution NORMAL = new NormalDistribution();

    private GuardrailCheck() {}

    /** Each guardrail the candidate breaks, with its figures; empty when none (or too few calls to say). */
    public static List<String> broken(ArmTally production, ArmTally candidate, ExperimentSettings s) {
        List<String> out = new ArrayList<>();
        if (production.calls < s.guardrailMinCalls() || candidate.calls < s.guardrailMinCalls()) {
            return out;
        }
        double p = errorRateP(production, candidate, s.errorRateMargin());
        if (p < s.guardrailAlpha()) {
            out.add(String.format(Locale.ROOT, "error rate %.1f%% vs %.1f%% in production (margin %.1f points, p = %.2g)",
                    100 * candidate.errorRate(), 100 * production.errorRate(), 100 * s.errorRateMargin(), p));
        }
        String slow = slowerThanProduction(production, candidate, s);
        if (slow != null) {
            out.add(slow);
        }
        double costC = candidate.costPerCall();
        double costP = production.costPerCall();
        if (costC > costP * (1 + s.costMargin())) {
            out.add(String.format(Locale.ROOT, "cost per call $%.6f vs $%.6f in production (margin %.0f%%)",
                    costC, costP, 100 * s.costMargin()));
        }
        return out;
    }

    /**
     * The latency guardrail: if the candidate were no slower than production's p95 plus the margin, at most
     * 5% of its calls would take longer than that limit; broken when significantly more do (one-sided binomial
     * test at guardrail_alpha). Comparing two p95 estimates directly misfires: at a few hundred calls each
     * moves by a histogram bucket or more, and one bucket is about the margin.
     */
    static String slowerThanProduction(ArmTally production, ArmTally candidate, ExperimentSettings s) {
        Histogram prod = LatencySketch.decode(production.latency);
        Histogram cand = LatencySketch.decode(candidate.latency);
        if (prod.getTotalCount() == 0 || cand.getTotalCount() == 0) {
            return null;
        }
        double limit = LatencySketch.quantile(prod, 0.95) * (1 + s.latencyP95Margin());
        long n = cand.getTotalCount();
        long slower = n - cand.getCountBetweenValues(0, (long) limit);
        if (slower == 0) {
            return null;
        }
        double p = 1 - new BinomialDistribution(null, (int) Math.min(Integer.MAX_VALUE, n), 0.05).cumulativeProbability((int) slower - 1);
        if (p >= s.guardrailAlpha()) {
            return null;
        }
        return String.format(Locale.ROOT, "p95 latency %.0f ms vs %.0f ms in production: %d of %d candidate calls (%.1f%%) took longer "
                        + "than %.0f ms (production's p95 + %.0f%%), more than 5%% (binomial p = %.2g)", LatencySketch.quantile(cand, 0.95),
                LatencySketch.quantile(prod, 0.95), slower, n, 100.0 * slower / n, limit, 100 * s.latencyP95Margin(), p);
    }

    /** One-sided p-value of "candidate's error rate exceeds production's by more than margin". */
    static double errorRateP(ArmTally production, ArmTally candidate, double margin) {
        double e0 = production.errorRate();
        double e1 = candidate.errorRate();
        double excess = e1 - e0 - margin;
        double se = Math.sqrt(e0 * (1 - e0) / production.calls + e1 * (1 - e1) / candidate.calls);
        if (se == 0) {
            return excess > 0 ? 0.0 : 1.0;
        }
        return 1 - NORMAL.cumulativeProbability(excess / se);
    }
}
