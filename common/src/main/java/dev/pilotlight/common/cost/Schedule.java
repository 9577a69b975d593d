package dev.pilotlight.common.cost;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;

/**
 * A route throttled outside business hours (docs/cost.md, "Schedules"): on the given days between
 * {@code opens} and {@code closes} (the cost module's time zone) the route runs at its usual limits;
 * at any other time each of its users may make at most {@code perMinute} calls a minute.
 *
 * @param source file:line where it is defined
 */
public record Schedule(String id, String source, String route, Set<DayOfWeek> days, LocalTime opens, LocalTime closes, long perMinute)
        implements Serializable {

    /** Whether {@code at} lies within business hours. */
    public boolean open(long at, ZoneId zone) {
        ZonedDateTime t = Instant.ofEpochMilli(at).atZone(zone);
        LocalTime time = t.toLocalTime();
        return days.contains(t.getDayOfWeek()) && !time.isBefore(opens) && time.isBefore(closes);
    }

    /** When business hours next begin after {@code at} (an instant outside them): the end of the throttle. */
    public long nextOpening(long at, ZoneId zone) {
        LocalDate day = Instant.ofEpochMilli(at).atZone(zone).toLocalDate();
        for (int i = 0; i <= 7; i++) {
            LocalDate d = day.plusDays(i);
            long opening = d.atTime(opens).atZone(zone).toInstant().toEpochMilli();
            if (days.contains(d.getDayOfWeek()) && opening > at) {
                return opening;
            }
        }
        throw new IllegalStateException("schedule " + id + " has no business day"); // the reader refuses that
    }
}
