package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A pinned drift reference of one route (docs/drift.md, "Baselines"): the histograms of a period
 * such as the pilot, captured from guard.drift with {@code ./pilotlight drift baseline}. Key of the
 * compacted guard.drift-baselines topic, so a job started without state reads it again. Signed with
 * the control key (drift alerts page people); the newest by {@code createdAt} wins; one with no
 * counts removes the route's baseline.
 *
 * @param counts   feature → bin or category → count over the period
 * @param versions the prompt versions whose windows were merged
 */
public record DriftBaseline(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String route,
        String label,
        long from,
        long to,
        List<String> versions,
        @JsonProperty(required = true) Map<String, Map<String, Long>> counts,
        @JsonProperty(required = true) long createdAt,
        String createdBy,
        /** HMAC-SHA256 of the baseline without this field. */
        String signature) {

    public DriftBaseline withSignature(String sig) {
        return new DriftBaseline(schemaVersion, route, label, from, to, versions, counts, createdAt, createdBy, sig);
    }

    /** Whether this record clears the route's baseline instead of setting one. */
    public boolean clears() {
        return counts == null || counts.isEmpty();
    }
}
