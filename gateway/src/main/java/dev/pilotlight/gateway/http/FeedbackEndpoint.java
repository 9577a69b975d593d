package dev.pilotlight.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.gateway.events.EventEmitter;
import dev.pilotlight.gateway.invoke.InvocationIds;
import dev.pilotlight.gateway.invoke.RecentInvocations;
import dev.pilotlight.gateway.pii.PiiDetector;
import dev.pilotlight.gateway.pii.Redaction;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * POST /v1/feedback: a thumb, an acceptance level, a satisfaction score (1–5), the share of the answer
 * edited and the time saved, for one invocation (docs/usage.md reads them). The id must be one this gateway issued to the caller (or the caller's
 * tenant, by policy): made-up ids and other users' answers are refused. A user may rate an answer
 * again; the guard job counts only the last rating of each (invocation, user). A comment is
 * redacted before it leaves the gateway. Enriched with the route, version, arm and model when this
 * replica served the call.
 */
public final class FeedbackEndpoint {
    static final int MAX_COMMENT_CHARS = 2000;

    private final RecentInvocations recent;
    private final EventEmitter events;
    private final InvocationIds ids;
    private final InvocationIds.Scope scope;
    private final PiiDetector pii = new PiiDetector();

    private final dev.pilotlight.gateway.review.ReviewQueue reviews;

    public FeedbackEndpoint(RecentInvocations recent, EventEmitter events, InvocationIds ids, InvocationIds.Scope scope,
                            dev.pilotlight.gateway.review.ReviewQueue reviews) {
        this.reviews = reviews;
        this.recent = recent;
        this.events = events;
        this.ids = ids;
        this.scope = scope;
    }

    public void submit(Request req) throws IOException {
        JsonNode body = req.jsonBody();
        String shown = BodyFields.requiredText(body, "invocationId", 128, "the id returned by the call");
        if (!InvocationIds.isWellFormed(shown)) {
            throw ApiError.badRequest("invocationId", "'invocationId' is not an id this gateway issued: " + Echo.of(shown));
        }
        String eventId = ids.eventIdFor(shown, req.principal(), scope).orElseThrow(() -> ApiError.notFound("invocation_not_found",
                "no invocation " + Echo.of(shown) + " was served to " + (scope == InvocationIds.Scope.USER ? "this user" : "this tenant")));
        FeedbackEvent.Rating rating = enumOf(body, "rating", FeedbackEvent.Rating.class);
        FeedbackEvent.Acceptance acceptance = enumOf(body, "acceptance", FeedbackEvent.Acceptance.class);
        Integer score = BodyFields.optionalInt(body, "score", 1, 5);
        if (rating == null && acceptance == null && score == null) {
            throw ApiError.badRequest("rating",
                    "give 'rating' (up, down), 'acceptance' (accepted, minor_edits, heavy_edits, rejected) and/or 'score' (1-5)");
        }
        Double editRatio = BodyFields.optionalNumber(body, "editRatio", 0, 1);
        Double secondsSaved = BodyFields.optionalNumber(body, "secondsSaved", 0, FeedbackEvent.MAX_SECONDS_SAVED);
        String comment = BodyFields.optionalText(body, "comment", MAX_COMMENT_CHARS);
        Optional<RecentInvocations.Context> ctx = recent.get(eventId);
        String feedbackId = UUID.randomUUID().toString();
        FeedbackEvent f = new FeedbackEvent(SchemaVersion.CURRENT, feedbackId,
                System.currentTimeMillis(), eventId, req.principal().userId(), req.principal().tenant(), rating, acceptance, editRatio,
                secondsSaved, score, comment == null ? null : new Redaction(pii).redact(comment),
                ctx.map(RecentInvocations.Context::route).orElse(null), ctx.map(RecentInvocations.Context::promptVersion).orElse(null),
                ctx.map(RecentInvocations.Context::variant).orElse(null), ctx.map(RecentInvocations.Context::model).orElse(null));
        events.emit(Topics.FEEDBACK, req.principal().userId(), f);
        reviews.flag(f, ctx); // a thumbs-down flags its answer for quality review
        req.respond(202, Map.of("id", feedbackId, "invocationId", eventId, "enriched", ctx.isPresent()));
    }

    private static <E extends Enum<E>> E enumOf(JsonNode body, String field, Class<E> type) {
        String text = BodyFields.optionalText(body, field, 32);
        if (text == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(field, "'" + field + "' must be one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
        }
    }
}
