package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A user's feedback on one invocation; route, version, variant and model are copied by the gateway.
 * A user may rate the same invocation again and the last rating counts: the guard job then emits a
 * {@code retraction} of the earlier one (the same fields, at the earlier time), which every count
 * subtracts. The gateway never sets it; the job ignores it on records it reads.
 */
public record FeedbackEvent(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String eventId,
        @JsonProperty(required = true) long timestamp,
        @JsonProperty(required = true) String invocationId,
        @JsonProperty(required = true) String userId,
        /** The rater's tenant, from their key (docs/usage.md: time saved is valued at the tenant's labour rate). */
        String tenant,
        Rating rating,
        Acceptance acceptance,
        Double editRatio,
        Double secondsSaved,
        /** Satisfaction on a 1–5 scale (docs/usage.md); null when not given. */
        Integer score,
        String comment,
        String route,
        String promptVersion,
        String variant,
        String model,
        boolean retraction) {

    public enum Rating { UP, DOWN }

    public enum Acceptance { ACCEPTED, MINOR_EDITS, HEAVY_EDITS, REJECTED }

    /** A rating as the gateway sends it. */
    public FeedbackEvent(int schemaVersion, String eventId, long timestamp, String invocationId, String userId, String tenant,
                         Rating rating, Acceptance acceptance, Double editRatio, Double secondsSaved, Integer score, String comment,
                         String route, String promptVersion, String variant, String model) {
        this(schemaVersion, eventId, timestamp, invocationId, userId, tenant, rating, acceptance, editRatio, secondsSaved, score, comment,
                route, promptVersion, variant, model, false);
    }

    /** A rating without tenant or score (tests and benches of the modules that do not read them). */
    public FeedbackEvent(int schemaVersion, String eventId, long timestamp, String invocationId, String userId, Rating rating,
                         Acceptance acceptance, Double editRatio, Double secondsSaved, String comment, String route,
                         String promptVersion, String variant, String model) {
        this(schemaVersion, eventId, timestamp, invocationId, userId, null, rating, acceptance, editRatio, secondsSaved, null, comment,
                route, promptVersion, variant, model, false);
    }

    /** This rating taken back: counts subtract it, at the time it was given. */
    public FeedbackEvent retracted() {
        return new FeedbackEvent(schemaVersion, eventId + "-retracted", timestamp, invocationId, userId, tenant, rating, acceptance,
                editRatio, secondsSaved, score, null, route, promptVersion, variant, model, true);
    }

    /** As read from a topic: whatever a record claims, it is a rating, not a retraction (only the job retracts). */
    public FeedbackEvent asGiven() {
        return retraction ? new FeedbackEvent(schemaVersion, eventId, timestamp, invocationId, userId, tenant, rating, acceptance,
                editRatio, secondsSaved, score, comment, route, promptVersion, variant, model, false) : this;
    }

    /** The longest time one answer can have saved: a day (the gateway's bound too). */
    public static final double MAX_SECONDS_SAVED = 86_400;

    /**
     * Why no gateway would have sent this rating (a score outside 1–5, a negative or absurd time saved, an edit ratio
     * outside 0–1), or null. The guard job dead-letters such a record before it can replace a real rating.
     */
    public String problem() {
        if (score != null && (score < 1 || score > 5)) {
            return "score " + score + " is outside 1-5";
        }
        if (secondsSaved != null && (!Double.isFinite(secondsSaved) || secondsSaved < 0 || secondsSaved > MAX_SECONDS_SAVED)) {
            return "secondsSaved " + secondsSaved + " is negative, not a number or more than a day";
        }
        if (editRatio != null && (!Double.isFinite(editRatio) || editRatio < 0 || editRatio > 1)) {
            return "editRatio " + editRatio + " is outside 0-1";
        }
        return null;
    }

    /** +1 for a rating, -1 for a retraction: how this event counts. */
    public int sign() {
        return retraction ? -1 : 1;
    }
}
