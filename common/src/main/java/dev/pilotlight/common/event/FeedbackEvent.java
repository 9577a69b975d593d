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
        Rating rating,
        Acceptance acceptance,
        Double editRatio,
        Double secondsSaved,
        String comment,
        String route,
        String promptVersion,
        String variant,
        String model,
        boolean retraction) {

    public enum Rating { UP, DOWN }

    public enum Acceptance { ACCEPTED, MINOR_EDITS, HEAVY_EDITS, REJECTED }

    /** A rating as the gateway sends it. */
    public FeedbackEvent(int schemaVersion, String eventId, long timestamp, String invocationId, String userId, Rating rating,
                         Acceptance acceptance, Double editRatio, Double secondsSaved, String comment, String route,
                         String promptVersion, String variant, String model) {
        this(schemaVersion, eventId, timestamp, invocationId, userId, rating, acceptance, editRatio, secondsSaved, comment, route,
                promptVersion, variant, model, false);
    }

    /** This rating taken back: counts subtract it, at the time it was given. */
    public FeedbackEvent retracted() {
        return new FeedbackEvent(schemaVersion, eventId + "-retracted", timestamp, invocationId, userId, rating, acceptance, editRatio,
                secondsSaved, null, route, promptVersion, variant, model, true);
    }

    /** As read from a topic: whatever a record claims, it is a rating, not a retraction (only the job retracts). */
    public FeedbackEvent asGiven() {
        return retraction ? new FeedbackEvent(schemaVersion, eventId, timestamp, invocationId, userId, rating, acceptance, editRatio,
                secondsSaved, comment, route, promptVersion, variant, model, false) : this;
    }

    /** +1 for a rating, -1 for a retraction: how this event counts. */
    public int sign() {
        return retraction ? -1 : 1;
    }
}
