package dev.pilotlight.jobs.ingest;

import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.DriftBaseline;
import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetUpdate;
import dev.pilotlight.common.rules.RuleStream;

/**
 * One record of the shared source, decoded once: exactly one field is set. A record that could
 * not be decoded arrives as a dead letter (to be written to guard.dlq), so nothing is dropped on the
 * way in; {@code rejectedCommand} is a gateway's dead letter of guard.control, read as a security event.
 */
public record Envelope(InvocationEvent invocation, FeedbackEvent feedback, Heartbeat heartbeat, ReleaseState release,
                       DeadLetter deadLetter, DeadLetter rejectedCommand, RuleSetUpdate rules, DriftScore drift,
                       DriftBaseline baseline, long kafkaTimestamp) {

    public static Envelope of(InvocationEvent e, long ts) {
        return new Envelope(e, null, null, null, null, null, null, null, null, ts);
    }

    public static Envelope of(FeedbackEvent e, long ts) {
        return new Envelope(null, e, null, null, null, null, null, null, null, ts);
    }

    public static Envelope of(Heartbeat e, long ts) {
        return new Envelope(null, null, e, null, null, null, null, null, null, ts);
    }

    public static Envelope of(ReleaseState e, long ts) {
        return new Envelope(null, null, null, e, null, null, null, null, null, ts);
    }

    public static Envelope of(DeadLetter e, long ts) {
        return new Envelope(null, null, null, null, e, null, null, null, null, ts);
    }

    public static Envelope rejectedCommand(DeadLetter e, long ts) {
        return new Envelope(null, null, null, null, null, e, null, null, null, ts);
    }

    public static Envelope of(RuleSetUpdate e, long ts) {
        return new Envelope(null, null, null, null, null, null, e, null, null, ts);
    }

    /** A pinned drift baseline from guard.drift-baselines. */
    public static Envelope of(DriftBaseline e, long ts) {
        return new Envelope(null, null, null, null, null, null, null, null, e, ts);
    }

    /** A drift module's score, fed to the threshold rules of the same job (stream {@code drift}). */
    public static Envelope of(DriftScore e) {
        return new Envelope(null, null, null, null, null, null, null, e, null, e.windowEnd());
    }

    /**
     * This envelope without the free texts an invocation may carry (redacted prompt and answer): what a
     * sequence rule's partial matches keep in state needs none of them.
     */
    public Envelope withoutTexts() {
        if (invocation == null || (invocation.inputText() == null && invocation.outputText() == null)) {
            return this;
        }
        return new Envelope(invocation.withoutTexts(), feedback, heartbeat, release, deadLetter, rejectedCommand, rules, drift, baseline, kafkaTimestamp);
    }

    /** The record a rule on {@code stream} looks at, or null when this envelope carries another kind. */
    public Object record(RuleStream stream) {
        return switch (stream) {
            case INVOCATIONS -> invocation;
            case FEEDBACK -> feedback;
            case HEARTBEATS -> heartbeat;
            case REJECTED_COMMANDS -> rejectedCommand;
            case DRIFT -> drift;
        };
    }

    /** Event time: the record's own timestamp; the Kafka timestamp for what has none (rule sets). */
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
        if (rejectedCommand != null) {
            return rejectedCommand.failedAt();
        }
        if (drift != null) {
            return drift.windowEnd() - 1; // the last instant of the window it scores
        }
        if (release != null) {
            return release.updatedAt(); // when the release changed, not when the compacted topic was written
        }
        return kafkaTimestamp;
    }
}
