package dev.pilotlight.jobs.drift;

import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.SchemaVersion;
import java.util.LinkedHashMap;
import java.util.Map;

/** A drift score as a MetricSample of dimension {@code drift} on guard.metrics, for InfluxDB and Grafana. */
public final class DriftSamples {
    private DriftSamples() {}

    public static MetricSample of(DriftScore s) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("route", s.route());
        labels.put("promptVersion", s.promptVersion());
        labels.put("feature", s.feature());
        labels.put("kind", s.kind());
        labels.put("reference", s.reference());
        labels.put("status", s.status());
        Map<String, Double> values = new LinkedHashMap<>();
        put(values, "psi", s.psi());
        put(values, "js_distance", s.jsDistance());
        put(values, "wasserstein", s.wasserstein());
        put(values, "p_value", s.pValue());
        put(values, "score", s.score());
        put(values, "threshold", s.threshold());
        put(values, "change", s.change());
        put(values, "drifted", s.drifted() == null ? null : s.drifted() ? 1.0 : 0.0);
        values.put("reference_count", (double) s.referenceCount());
        String key = "drift|" + s.route() + "|" + s.promptVersion() + "|" + s.feature() + "|" + s.reference();
        return new MetricSample(SchemaVersion.CURRENT, key, "drift", labels, s.windowStart(), s.windowEnd(), 0, s.currentCount(),
                0, null, null, null, null, 0, 0, 0, null, 0, null, 0, null, 0, 0, 0, 0, 0, null, null, values);
    }

    private static void put(Map<String, Double> m, String k, Double v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
