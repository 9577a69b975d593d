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
    /** Counts read as counts (3, not 3.000); everything else with four significant digits. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    public String render(String template, String ruleId, Duration window, Map<String, String> alertLabels,
                         double value, double threshold) {
        if (template == null) {
            return null;
        }
        String out = template
                .replace("{{value}}", number(value))
                .replace("{{threshold}}", number(threshold))
                .replace("{{window}}", window == null ? "" : dev.pilotlight.common.DurationText.format(window))
                .replace("{{rule}}", ruleId);
        for (Map.Entry<String, String> e : alertLabels.entrySet()) {
            out = out.replace("{{" + e.getKey() + "}}", String.valueOf(e.getValue()));
        }
        return out;
    }
}
