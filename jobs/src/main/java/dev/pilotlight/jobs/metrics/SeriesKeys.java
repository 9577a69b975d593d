package dev.pilotlight.jobs.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Series keys such as {@code release:claims-letter|1.1.0|none|sim-model}: the dimension, then the
 * label values in a fixed order, so labels can be read back from the key alone.
 */
public final class SeriesKeys {
    public static final String RELEASE = "release";
    public static final String TENANT = "tenant";
    static final List<String> RELEASE_LABELS = List.of("route", "promptVersion", "variant", "model");
    static final List<String> TENANT_LABELS = List.of("tenant");

    private SeriesKeys() {}

    public static String release(String route, String version, String variant, String model) {
        return RELEASE + ":" + String.join("|", clean(route), clean(version), clean(variant), clean(model));
    }

    public static String tenant(String tenant) {
        return TENANT + ":" + clean(tenant);
    }

    public static String dimension(String key) {
        return key.substring(0, key.indexOf(':'));
    }

    public static Map<String, String> labels(String key) {
        List<String> names = dimension(key).equals(RELEASE) ? RELEASE_LABELS : TENANT_LABELS;
        String[] values = key.substring(key.indexOf(':') + 1).split("\\|", -1);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size() && i < values.length; i++) {
            out.put(names.get(i), values[i]);
        }
        return out;
    }

    /** Absent values read "none"; a '|' inside a value would break the key apart. */
    private static String clean(String s) {
        return s == null || s.isEmpty() ? "none" : s.replace('|', '_');
    }
}
