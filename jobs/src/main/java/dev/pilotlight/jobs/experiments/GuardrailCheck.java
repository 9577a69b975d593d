package dev.pilotlight.jobs.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * Whether the candidate is worse than production by more than a margin (docs/experiments.md,
 * "Guardrails"). Error rate: a one-sided two-proportion z-test of "candidate - production > margin"
 * (unpooled variance), broken when p < guardrail_alpha. p95 latency and cost per answered call: a
 * bound on the estimates (candidate > production x (1 + margin)); both are large-sample figures and
 * the margin absorbs their noise. Judged only once both arms have guardrail_min_calls calls.
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
        double p95c = candidate.latencyP95();
        double p95p = production.latencyP95();
        if (p95c > p95p * (1 + s.latencyP95Margin())) {
            out.add(String.format(Locale.ROOT, "p95 latency %.0f ms vs %.0f ms in production (margin %.0f%%)",
                    p95c, p95p, 100 * s.latencyP95Margin()));
        }
        double costC = candidate.costPerCall();
        double costP = production.costPerCall();
        if (costC > costP * (1 + s.costMargin())) {
            out.add(String.format(Locale.ROOT, "cost per call $%.6f vs $%.6f in production (margin %.0f%%)",
                    costC, costP, 100 * s.costMargin()));
        }
        return out;
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
