package dev.pilotlight.common.rules;

import dev.pilotlight.common.control.CommandType;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A rule that compares a windowed metric per group against a threshold. Loaded from
 * {@code alert-rules/*.yaml}; see docs/rules.md for the format.
 */
public record ThresholdRule(
        String id,
        String source,
        String metric,
        List<String> groupBy,
        Duration window,
        Comparison op,
        double threshold,
        long minSamples,
        int tier,
        CommandType action,
        Map<String, String> labels,
        String summary,
        String runbook) implements Serializable {

    /** Renders {@code {{name}}} placeholders from the alert's labels plus value, threshold and window. */
    public String render(String template, Map<String, String> groupLabels, double value) {
        if (template == null) {
            return null;
        }
        String out = template
                .replace("{{value}}", String.format(java.util.Locale.ROOT, "%.4g", value))
                .replace("{{threshold}}", String.format(java.util.Locale.ROOT, "%.4g", threshold))
                .replace("{{window}}", window.toString().substring(2).toLowerCase(java.util.Locale.ROOT))
                .replace("{{rule}}", id);
        for (Map.Entry<String, String> e : groupLabels.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", String.valueOf(e.getValue()));
        }
        return out;
    }
}
