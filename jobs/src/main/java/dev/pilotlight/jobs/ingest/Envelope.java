package dev.pilotlight.jobs.ingest;

import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.ReleaseState;

/**
 * One record of the shared source, decoded once: exactly one field is set. A record that could
 * not be decoded arrives as a dead letter, so nothing is dropped on the way in.
 */
public record Envelope(InvocationEvent invocation, FeedbackEvent feedback, Heartbeat heartbeat, ReleaseState release,
                       DeadLetter deadLetter, long kafkaTimestamp) {

    public static Envelope of(InvocationEvent e, long ts) {
        return new Envelope(e, null, null, null, null, ts);
    }

    public static Envelope of(FeedbackEvent e, long ts) {
        return new Envelope(null, e, null, null, null, ts);
    }

    public static Envelope of(Heartbeat e, long ts) {
        return new Envelope(null, null, e, null, null, ts);
    }

    public static Envelope of(ReleaseState e, long ts) {
        return new Envelope(null, null, null, e, null, ts);
    }

    public static Envelope of(DeadLetter e, long ts) {
        return new Envelope(null, null, null, null, e, ts);
    }

    /** Event time: the record's own timestamp; the Kafka timestamp for what has none. */
    public long eventTime() {
        if (invocation != null) {
            return invocation.timestamp();
        }
        if (feedback != null) {
            return feedback.timestamp();
        }
        if (heartbeat != null) {
            return heartbeat.timestamp();
        }
        return kafkaTimestamp;
    }
}
