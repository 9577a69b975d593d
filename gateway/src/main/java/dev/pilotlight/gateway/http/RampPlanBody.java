package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.DurationText;
import dev.pilotlight.common.experiment.RampPlanCheck;
import dev.pilotlight.common.experiment.RampStep;
import java.util.ArrayList;
import java.util.List;

/**
 * A canary plan as an admin writes it: {@code [{"share":0.1,"bake":"10m","min_calls":200}, ...]}. Every
 * problem is named with its step ({@code plan[1].bake ...}) in one 400, before anything is released.
 */
final class RampPlanBody {
    private RampPlanBody() {}

    static List<RampStep> read(JsonNode plan) {
        if (!plan.isArray()) {
            throw ApiError.wrongType("plan", "an array of steps {share, bake, min_calls}");
        }
        List<String> problems = new ArrayList<>();
        List<RampStep> steps = new ArrayList<>();
        for (int i = 0; i < plan.size() && i <= RampPlanCheck.MAX_STEPS; i++) {
            int at = i;
            JsonNode s = plan.get(i);
            if (!s.isObject()) {
                problems.add("plan[" + i + "] must be an object {share, bake, min_calls}");
                continue;
            }
            s.fieldNames().forEachRemaining(f -> {
                if (!List.of("share", "bake", "min_calls").contains(f)) {
                    problems.add("plan[" + at + "] has no field '" + Echo.of(f) + "' (allowed: share, bake, min_calls)");
                }
            });
            double share = s.path("share").isNumber() ? s.get("share").asDouble() : Double.NaN;
            if (Double.isNaN(share)) {
                problems.add("plan[" + i + "].share must be a number");
            }
            long bakeMs = 0;
            try {
                bakeMs = DurationText.parse(s.path("bake").asText("")).toMillis();
            } catch (IllegalArgumentException e) {
                problems.add("plan[" + i + "].bake must be a duration such as 30s, 10m, 2h or 7d");
            }
            JsonNode min = s.path("min_calls");
            long minCalls = min.isMissingNode() ? 0 : min.canConvertToLong() && min.isIntegralNumber() ? min.asLong() : -1;
            steps.add(new RampStep(share, bakeMs, minCalls));
        }
        if (problems.isEmpty()) {
            problems.addAll(RampPlanCheck.problems(plan.size() > RampPlanCheck.MAX_STEPS ? List.of() : steps));
        }
        if (!problems.isEmpty()) {
            throw ApiError.badRequest("plan", String.join("; ", problems));
        }
        return steps;
    }
}
