package dev.pilotlight.common.rules;

import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/** What every rule puts on its alerts: tier, fixed labels, and annotation templates. */
public record AlertTemplate(int tier, Map<String, String> labels, String summary, String runbook) implements Serializable {

    /**
     * Renders {@code {{name}}} placeholders: {@code value}, {@code threshold}, {@code window},
     * {@code rule}, and every label of the alert.
     */
    public String render(String template, String ruleId, Duration window, Map<String, String> alertLabels,
                         double value, double threshold) {
        if (template == null) {
            return null;
        }
        String out = template
                .replace("{{value}}", String.format(Locale.ROOT, "%.4g", value))
                .replace("{{threshold}}", String.format(Locale.ROOT, "%.4g", threshold))
                .replace("{{window}}", window == null ? "" : dev.pilotlight.common.DurationText.format(window))
                .replace("{{rule}}", ruleId);
        for (Map.Entry<String, String> e : alertLabels.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", String.valueOf(e.getValue()));
        }
        return out;
    }
}
