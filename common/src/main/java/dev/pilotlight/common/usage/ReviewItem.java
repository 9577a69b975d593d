package dev.pilotlight.common.usage;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.pilotlight.common.event.FeedbackEvent;

/**
 * A thumbs-down answer flagged for quality review (playbook §6, docs/usage.md "Review queue"), as the gateway that took
 * the rating published it on the compacted topic guard.reviews (key: id), signed; closing it publishes the closed copy.
 *
 * @param id        the invocation and the rater: one item per rated answer and user
 * @param answer    the answer as the provider gave it (personal data as placeholders), at most {@link #MAX_ANSWER_CHARS};
 *                  null when the replica that took the rating did not serve the call or no longer holds it
 * @param updatedAt when it was flagged, or closed: a newer copy replaces an older one
 */
public record ReviewItem(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String id,
        String invocationId,
        String userId,
        String route,
        String promptVersion,
        String model,
        long flaggedAt,
        FeedbackEvent.Rating rating,
        FeedbackEvent.Acceptance acceptance,
        Integer score,
        String comment,
        String answer,
        @JsonProperty(required = true) Status status,
        Long closedAt,
        String closedBy,
        String resolution,
        long updatedAt,
        String signature) {

    public static final int MAX_ANSWER_CHARS = 2000;

    public enum Status { OPEN, CLOSED }

    public ReviewItem withSignature(String sig) {
        return new ReviewItem(schemaVersion, id, invocationId, userId, route, promptVersion, model, flaggedAt, rating, acceptance, score,
                comment, answer, status, closedAt, closedBy, resolution, updatedAt, sig);
    }

    /** This item closed by {@code by} at {@code at}, with what was done about it. */
    public ReviewItem closed(String by, long at, String why) {
        return new ReviewItem(schemaVersion, id, invocationId, userId, route, promptVersion, model, flaggedAt, rating, acceptance, score,
                comment, answer, Status.CLOSED, at, by, why, at, null);
    }

    /** Whether a rating flags its answer for review: a thumbs-down or a rejection. */
    public static boolean flags(FeedbackEvent f) {
        return f.rating() == FeedbackEvent.Rating.DOWN || f.acceptance() == FeedbackEvent.Acceptance.REJECTED;
    }
}
