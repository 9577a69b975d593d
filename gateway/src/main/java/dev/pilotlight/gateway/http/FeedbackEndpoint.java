package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.gateway.events.EventEmitter;
import dev.pilotlight.gateway.invoke.RecentInvocations;
import dev.pilotlight.gateway.pii.PiiDetector;
import dev.pilotlight.gateway.pii.Redaction;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * POST /v1/feedback: a thumb, an acceptance level, the share of the answer edited and the time
 * saved, for one invocation. Enriched with the invocation's route, version, arm and model when
 * this replica served it; a comment is redacted before it leaves the gateway.
 */
public final class FeedbackEndpoint {
    private final RecentInvocations recent;
    private final EventEmitter events;
    private final PiiDetector pii = new PiiDetector();

    public FeedbackEndpoint(RecentInvocations recent, EventEmitter events) {
        this.recent = recent;
        this.events = events;
    }

    public void submit(Request req) throws IOException {
        JsonNode body = req.jsonBody();
        String invocationId = body.path("invocationId").asText("");
        if (invocationId.isBlank()) {
            throw ApiError.badRequest("invocationId", "'invocationId' is required: the id returned by the call");
        }
        FeedbackEvent.Rating rating = enumOf(body, "rating", FeedbackEvent.Rating.class);
        FeedbackEvent.Acceptance acceptance = enumOf(body, "acceptance", FeedbackEvent.Acceptance.class);
        if (rating == null && acceptance == null) {
            throw ApiError.badRequest("rating", "give 'rating' (up, down) and/or 'acceptance' (accepted, minor_edits, heavy_edits, rejected)");
        }
        Double editRatio = number(body, "editRatio", 0, 1);
        Double secondsSaved = number(body, "secondsSaved", 0, 86_400);
        String comment = body.hasNonNull("comment") ? body.get("comment").asText() : null;
        if (comment != null && comment.length() > 2000) {
            throw ApiError.badRequest("comment", "'comment' is longer than 2000 characters");
        }
        String id = invocationId.startsWith("chatcmpl-") ? invocationId.substring(9) : invocationId;
        Optional<RecentInvocations.Context> ctx = recent.get(id);
        if (ctx.isPresent() && !ctx.get().userId().equals(req.principal().userId())) {
            // another user's call: answer as if unknown, so ids cannot be probed
            throw ApiError.notFound("invocation_not_found", "no invocation " + invocationId + " of this user");
        }
        String eventId = UUID.randomUUID().toString();
        events.emit(Topics.FEEDBACK, req.principal().userId(), new FeedbackEvent(SchemaVersion.CURRENT, eventId,
                System.currentTimeMillis(), id, req.principal().userId(), rating, acceptance, editRatio, secondsSaved,
                comment == null ? null : new Redaction(pii).redact(comment),
                ctx.map(RecentInvocations.Context::route).orElse(null), ctx.map(RecentInvocations.Context::promptVersion).orElse(null),
                ctx.map(RecentInvocations.Context::variant).orElse(null), ctx.map(RecentInvocations.Context::model).orElse(null)));
        req.respond(202, Map.of("id", eventId, "enriched", ctx.isPresent()));
    }

    private static <E extends Enum<E>> E enumOf(JsonNode body, String field, Class<E> type) {
        if (!body.hasNonNull(field)) {
            return null;
        }
        try {
            return Enum.valueOf(type, body.get(field).asText().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(field, "'" + field + "' must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }

    private static Double number(JsonNode body, String field, double min, double max) {
        if (!body.hasNonNull(field)) {
            return null;
        }
        JsonNode n = body.get(field);
        if (!n.isNumber() || n.asDouble() < min || n.asDouble() > max) {
            throw ApiError.badRequest(field, "'" + field + "' must be a number between " + min + " and " + max);
        }
        return n.asDouble();
    }
}
