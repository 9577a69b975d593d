package dev.pilotlight.reports.usage;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.reports.TopicScan;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The thumbs-down answers of a period from llm.feedback: the last rating of each answer by each user, kept when it is a
 * thumbs-down or a rejection. Comments are as the gateway stored them, redacted before they left it.
 */
public final class RatedAnswers {
    /** One thumbs-down item. */
    public record Item(long at, String route, String promptVersion, String acceptance, Integer score, String comment) {}

    private RatedAnswers() {}

    /** Thumbs-down items of {@code route} (null: every route) given from {@code from} on, newest first. */
    public static List<Item> thumbsDown(String bootstrap, String route, long from) {
        Map<String, FeedbackEvent> last = new LinkedHashMap<>();
        TopicScan.read(bootstrap, Topics.FEEDBACK, from, r -> {
            try {
                FeedbackEvent f = JsonCodec.decode(r.value(), FeedbackEvent.class);
                if (f.route() != null && (route == null || route.equals(f.route())) && f.timestamp() >= from && f.problem() == null) {
                    last.merge(f.invocationId() + "|" + f.userId(), f, (a, b) -> b.timestamp() >= a.timestamp() ? b : a);
                }
            } catch (RuntimeException e) {
                // unreadable: the guard job dead-letters it; a report skips it
            }
        });
        return last.values().stream().filter(RatedAnswers::negative)
                .map(f -> new Item(f.timestamp(), f.route(), f.promptVersion(), f.acceptance() == null ? null : f.acceptance().name().toLowerCase(),
                        f.score(), f.comment()))
                .sorted(Comparator.comparingLong(Item::at).reversed()).toList();
    }

    static boolean negative(FeedbackEvent f) {
        return f.rating() == FeedbackEvent.Rating.DOWN || f.acceptance() == FeedbackEvent.Acceptance.REJECTED;
    }
}
