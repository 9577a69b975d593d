package dev.pilotlight.gateway.invoke;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What feedback needs to know about a recent call (route, version, arm, model), kept bounded for a day; and the answers
 * of the most recent calls (as the provider gave them, personal data as placeholders), for the review queue: a few
 * thousand, so a flagged answer rated within minutes is shown whole without the replica holding every answer of a day.
 */
public final class RecentInvocations {
    /** The context of one served call. */
    public record Context(String userId, String route, String promptVersion, String variant, String model) {}

    /**
     * About 300 bytes of heap per call kept, with its id and user name (measured: docs/configuration.md,
     * pilotlight.feedback.context-calls).
     */
    private final ConcurrentHashMap<String, KeptContext> byEventId;
    /**
     * The event ids in the order they were kept: a call's slot is written over {@code contextCalls} calls later and its
     * context removed then. Oldest out first is all feedback needs (a call is rated soon after it or not at all), so
     * a call costs one map insert and one removal, not a cache's policy upkeep (docs/architecture.md, "Gateway threads").
     */
    private final AtomicReferenceArray<String> contextOrder;
    private final AtomicLong contextsWritten = new AtomicLong();

    private record KeptContext(Context context, long keptAtMs) {}

    /** @param contextCalls how many calls' contexts are kept (the most recent, for a day at most) */
    public RecentInvocations(int contextCalls) {
        byEventId = new ConcurrentHashMap<>(Math.min(contextCalls, 1 << 16));
        contextOrder = new AtomicReferenceArray<>(contextCalls);
    }

    /** Answers kept for the review queue (docs/usage.md, "Review queue"): at most 2,000 characters each. */
    static final int ANSWERS_KEPT = 2_000;
    private static final long KEPT_MS = Duration.ofDays(1).toMillis();

    /** One kept answer and when it was kept. */
    private record KeptAnswer(String eventId, String text, long keptAtMs) {}

    /**
     * The last {@link #ANSWERS_KEPT} answers in a ring: every call writes one (a slot, not a cache insert
     * and eviction), and only a thumbs-down reads, by scanning it (docs/architecture.md, "Gateway threads").
     */
    private final AtomicReferenceArray<KeptAnswer> answers = new AtomicReferenceArray<>(ANSWERS_KEPT);
    private final AtomicLong answersWritten = new AtomicLong();

    /** Keeps a call's answer, redacted (placeholders for personal data), cut to {@link dev.pilotlight.common.usage.ReviewItem#MAX_ANSWER_CHARS}. */
    public void rememberAnswer(String eventId, String redactedAnswer) {
        if (redactedAnswer != null) {
            int max = dev.pilotlight.common.usage.ReviewItem.MAX_ANSWER_CHARS;
            String text = redactedAnswer.length() <= max ? redactedAnswer : redactedAnswer.substring(0, max) + "…";
            int slot = (int) (answersWritten.getAndIncrement() % ANSWERS_KEPT);
            answers.set(slot, new KeptAnswer(eventId, text, System.currentTimeMillis()));
        }
    }

    /** The answer of call {@code eventId} while it is among the last kept and at most a day old. */
    public Optional<String> answer(String eventId) {
        long oldest = System.currentTimeMillis() - KEPT_MS;
        for (int i = 0; i < ANSWERS_KEPT; i++) {
            KeptAnswer a = answers.get(i);
            if (a != null && a.eventId().equals(eventId) && a.keptAtMs() >= oldest) {
                return Optional.of(a.text());
            }
        }
        return Optional.empty();
    }

    public void remember(String eventId, String userId, String route, String promptVersion, String variant, String model) {
        // inserted before its slot is taken: whoever takes the slot next removes an id that is already in the map
        byEventId.put(eventId, new KeptContext(new Context(userId, route, promptVersion, variant, model), System.currentTimeMillis()));
        int slot = (int) (contextsWritten.getAndIncrement() % contextOrder.length());
        String oldest = contextOrder.getAndSet(slot, eventId);
        if (oldest != null) {
            byEventId.remove(oldest);
        }
    }

    /** How many calls' contexts are held now (at most {@code contextCalls} once no call is being kept). */
    int contextsKept() {
        return byEventId.size();
    }

    /** The context of call {@code eventId} while it is among the last kept and at most a day old. */
    public Optional<Context> get(String eventId) {
        KeptContext k = byEventId.get(eventId);
        return k == null || k.keptAtMs() < System.currentTimeMillis() - KEPT_MS ? Optional.empty() : Optional.of(k.context());
    }
}
