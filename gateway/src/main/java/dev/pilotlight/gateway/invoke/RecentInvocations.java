package dev.pilotlight.gateway.invoke;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;

/**
 * What feedback needs to know about a recent call (route, version, arm, model), kept bounded for a day; and the answers
 * of the most recent calls (as the provider gave them, personal data as placeholders), for the review queue: a few
 * thousand, so a flagged answer rated within minutes is shown whole without the replica holding every answer of a day.
 */
public final class RecentInvocations {
    /** The context of one served call. */
    public record Context(String userId, String route, String promptVersion, String variant, String model) {}

    /** About 270 bytes of heap per call kept (measured: docs/configuration.md, pilotlight.feedback.context-calls). */
    private final Cache<String, Context> byEventId;

    /** @param contextCalls how many calls' contexts are kept (the most recent, for a day at most) */
    public RecentInvocations(int contextCalls) {
        // upkeep on the calling thread, not handed off to a pool (docs/architecture.md, "Gateway threads")
        byEventId = Caffeine.newBuilder().executor(Runnable::run).maximumSize(contextCalls).expireAfterWrite(Duration.ofDays(1)).build();
    }

    /** Answers kept for the review queue (docs/usage.md, "Review queue"): at most 2,000 characters each. */
    static final int ANSWERS_KEPT = 2_000;
    private final Cache<String, String> answers = Caffeine.newBuilder().executor(Runnable::run).maximumSize(ANSWERS_KEPT).expireAfterWrite(Duration.ofDays(1)).build();

    /** Keeps a call's answer, redacted (placeholders for personal data), cut to {@link dev.pilotlight.common.usage.ReviewItem#MAX_ANSWER_CHARS}. */
    public void rememberAnswer(String eventId, String redactedAnswer) {
        if (redactedAnswer != null) {
            int max = dev.pilotlight.common.usage.ReviewItem.MAX_ANSWER_CHARS;
            answers.put(eventId, redactedAnswer.length() <= max ? redactedAnswer : redactedAnswer.substring(0, max) + "…");
        }
    }

    public Optional<String> answer(String eventId) {
        return Optional.ofNullable(answers.getIfPresent(eventId));
    }

    public void remember(String eventId, String userId, String route, String promptVersion, String variant, String model) {
        byEventId.put(eventId, new Context(userId, route, promptVersion, variant, model));
    }

    public Optional<Context> get(String eventId) {
        return Optional.ofNullable(byEventId.getIfPresent(eventId));
    }
}
