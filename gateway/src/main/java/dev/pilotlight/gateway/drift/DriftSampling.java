package dev.pilotlight.gateway.drift;

import java.util.List;
import java.util.Map;

/**
 * A route's drift sampling (catalog {@code drift:}, docs/drift.md): the share of answered calls whose
 * redacted texts get a language and a topic, at most {@code maxPerSecond} of them, and the topics as
 * example phrases (each topic's centroid is the mean embedding of its examples).
 *
 * @param minSimilarity cosine similarity below which a text is nearest to no topic ("other")
 */
public record DriftSampling(double sample, int maxPerSecond, Map<String, List<String>> topics, double minSimilarity) {
    public static final DriftSampling OFF = new DriftSampling(0, 0, Map.of(), 0.3);

    public boolean enabled() {
        return sample > 0 && maxPerSecond > 0;
    }
}
