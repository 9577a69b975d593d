package dev.pilotlight.local.cli;

import dev.pilotlight.common.DurationText;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** A time on the command line: an ISO-8601 instant (2026-11-30T09:00:00Z) or a duration meaning that long ago (7d, 90m). */
final class TimeArg {
    private TimeArg() {}

    static long parse(String option, String value, long now) {
        try {
            return Instant.parse(value).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return now - DurationText.parse(value).toMillis();
            } catch (IllegalArgumentException d) {
                throw new IllegalArgumentException(option + ": '" + value + "' is neither an instant like 2026-11-30T09:00:00Z nor a "
                        + "duration ago like 7d or 90m");
            }
        }
    }
}
