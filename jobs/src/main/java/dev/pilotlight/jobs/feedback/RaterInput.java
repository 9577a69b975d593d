package dev.pilotlight.jobs.feedback;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.jobs.ingest.Envelope;

/**
 * What {@link ScreenRaters} reads of a user's event: a call (only that it happened, when) or a rating (whole: it passes
 * on); the record's broker time goes with a rating so it passes on unchanged.
 */
public record RaterInput(String user, long at, FeedbackEvent rating, long kafkaTimestamp) {
    public static RaterInput of(Envelope e) {
        return e.feedback() != null ? new RaterInput(e.feedback().userId(), e.eventTime(), e.feedback(), e.kafkaTimestamp())
                : new RaterInput(e.invocation().userId(), e.eventTime(), null, 0);
    }
}
