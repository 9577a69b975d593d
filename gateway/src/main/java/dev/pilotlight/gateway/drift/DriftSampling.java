package dev.pilotlight.gateway.drift;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A route's drift sampling (catalog {@code drift:}, docs/drift.md): the share of answered calls whose
 * redacted texts get a language and a topic, at most {@code maxPerSecond} of them, and the topics as
 * example phrases (each topic's centroid is the mean embedding of its examples).
 *
 * @param minSimilarity cosine similarity below which a text is nearest to no topic ("other")
 * @param languages the ISO 639-1 codes the language guess chooses among; empty = every language it knows
 *                  (70 profiles, ~84 MB of heap; a few languages take a few MB: docs/drift.md)
 */
public record DriftSampling(double sample, int maxPerSecond, Map<String, List<String>> topics, double minSimilarity,
                            Set<String> languages) {
    public static final DriftSampling OFF = new DriftSampling(0, 0, Map.of(), 0.3, Set.of());

    public DriftSampling {
        languages = Set.copyOf(languages);
    }

    public boolean enabled() {
        return sample > 0 && maxPerSecond > 0;
    }
}
