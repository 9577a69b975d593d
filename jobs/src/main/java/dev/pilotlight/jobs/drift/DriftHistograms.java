package dev.pilotlight.jobs.drift;

import dev.pilotlight.jobs.ingest.Envelope;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts per feature and bin (or category) over some span of one release's events: a window, a
 * trailing reference, a pinned baseline. A Flink POJO (public fields of map types) so its state is
 * serialized by Flink's map serializers, not Kryo. A categorical feature keeps at most
 * {@code maxCategories} categories; later new ones are counted as {@value #OTHER}, which bounds state
 * whatever a route sends (docs/drift.md, "Bounds").
 */
public class DriftHistograms {
    public static final String OTHER = "(other)";

    /** feature (yaml name) → bin or category → count */
    public Map<String, Map<String, Long>> counts = new HashMap<>();
    /** feature → events that concerned it but carried no value (older gateways, unsampled topics) */
    public Map<String, Long> missing = new HashMap<>();

    public DriftHistograms() {}

    /** Counts one event; a feedback retraction subtracts what its rating added. */
    public void add(Envelope e, int maxCategories) {
        long delta = e.feedback() != null ? e.feedback().sign() : 1;
        for (DriftFeature f : DriftFeature.values()) {
            if (!f.concerns(e)) {
                continue;
            }
            String bucket = f.bucketOf(e);
            if (bucket == null) {
                missing.merge(f.yamlName(), delta, Long::sum);
            } else {
                add(f.yamlName(), bucket, delta, maxCategories);
            }
        }
    }

    public void add(String feature, String bucket, long delta, int maxCategories) {
        Map<String, Long> bins = counts.computeIfAbsent(feature, k -> new HashMap<>());
        String key = bins.containsKey(bucket) || bins.size() < maxCategories ? bucket : OTHER;
        bins.merge(key, delta, Long::sum);
    }

    /** Adds every count of {@code other} into this one. */
    public DriftHistograms merge(DriftHistograms other, int maxCategories) {
        other.counts.forEach((f, bins) -> bins.forEach((b, n) -> add(f, b, n, maxCategories)));
        other.missing.forEach((f, n) -> missing.merge(f, n, Long::sum));
        return this;
    }

    /** The counts of one feature (empty when none). */
    public Map<String, Long> of(DriftFeature f) {
        return counts.getOrDefault(f.yamlName(), Map.of());
    }

    public long total(DriftFeature f) {
        return of(f).values().stream().mapToLong(Long::longValue).sum();
    }

    public DriftHistograms copy() {
        DriftHistograms c = new DriftHistograms();
        counts.forEach((f, bins) -> c.counts.put(f, new HashMap<>(bins)));
        c.missing.putAll(missing);
        return c;
    }
}
