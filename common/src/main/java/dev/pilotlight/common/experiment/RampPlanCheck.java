package dev.pilotlight.common.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What makes a canary plan valid, checked where a plan enters (the admin API, before anything is
 * published) and wherever a release state carrying one is adopted: 1 to 10 steps, shares in (0, 1]
 * rising step by step, bake times from 1 s to 90 days, minimum calls from 0 to 10^9.
 */
public final class RampPlanCheck {
    public static final int MAX_STEPS = 10;
    private static final long MAX_BAKE_MS = 90L * 24 * 3600 * 1000;

    private RampPlanCheck() {}

    /** Every problem, each naming its step (plan[1].share ...); empty when the plan may run. */
    public static List<String> problems(List<RampStep> plan) {
        List<String> out = new ArrayList<>();
        if (plan == null || plan.isEmpty() || plan.size() > MAX_STEPS) {
            out.add("plan must have 1 to " + MAX_STEPS + " steps");
            return out;
        }
        double before = 0;
        for (int i = 0; i < plan.size(); i++) {
            RampStep s = plan.get(i);
            if (s == null) {
                out.add("plan[" + i + "] is empty");
                continue;
            }
            if (!(s.share() > 0 && s.share() <= 1)) {
                out.add(String.format(Locale.ROOT, "plan[%d].share must be more than 0 and at most 1, not %s", i, s.share()));
            } else if (s.share() <= before) {
                out.add(String.format(Locale.ROOT, "plan[%d].share %s must be larger than the step before (%s)", i, s.share(), before));
            }
            before = Math.max(before, s.share());
            if (s.bakeMs() < 1_000 || s.bakeMs() > MAX_BAKE_MS) {
                out.add("plan[" + i + "].bake must be from 1s to 90d, not " + s.bakeMs() + " ms");
            }
            if (s.minCalls() < 0 || s.minCalls() > 1_000_000_000L) {
                out.add("plan[" + i + "].min_calls must be from 0 to 1000000000, not " + s.minCalls());
            }
        }
        return out;
    }
}
