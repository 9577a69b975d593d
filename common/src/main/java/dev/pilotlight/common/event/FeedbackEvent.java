package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A user's feedback on one invocation; route, version, variant and model are copied by the gateway. */
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
        String model) {

    public enum Rating { UP, DOWN }

    public enum Acceptance { ACCEPTED, MINOR_EDITS, HEAVY_EDITS, REJECTED }
}
