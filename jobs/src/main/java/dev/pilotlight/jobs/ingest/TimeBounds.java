package dev.pilotlight.jobs.ingest;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * How far a record's own event time may be from the time the broker appended it (topics are
 * LogAppendTime: the broker's clock, not the writer's). One gateway with a wrong clock must not move
 * event time for everyone: a record stamped further ahead than {@code ahead}, or older than
 * {@code behind} when it was appended (a spool replaying a long outage), is a dead letter, counted.
 */
public record TimeBounds(Duration ahead, Duration behind) implements Serializable {
    public static final TimeBounds NONE = new TimeBounds(Duration.ofDays(36_500), Duration.ofDays(36_500));

    /** Why {@code eventTime} is out of range of {@code appendedAt}, or null when it is within. */
    public String problem(long eventTime, long appendedAt) {
        if (appendedAt <= 0) {
            return null; // no broker time to compare with (tests, or a record without a timestamp)
        }
        long skew = eventTime - appendedAt;
        if (skew > ahead.toMillis()) {
            return "event time " + Instant.ofEpochMilli(eventTime) + " is " + format(skew) + " ahead of the broker's append time "
                    + Instant.ofEpochMilli(appendedAt) + " (tolerance " + format(ahead.toMillis()) + "): the writer's clock is wrong";
        }
        if (-skew > behind.toMillis()) {
            return "event time " + Instant.ofEpochMilli(eventTime) + " is " + format(-skew) + " before the broker's append time "
                    + Instant.ofEpochMilli(appendedAt) + " (at most " + format(behind.toMillis()) + ")";
        }
        return null;
    }

    private static String format(long ms) {
        return ms < 120_000 ? ms / 1000.0 + " s" : ms < 7_200_000 ? ms / 60_000 + " min" : ms / 3_600_000 + " h";
    }
}
