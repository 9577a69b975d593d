package dev.pilotlight.jobs.cost;

import dev.pilotlight.common.cost.Quota;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** The calendar day or month an instant falls in, in the cost module's time zone: [start, end) in epoch ms. */
public record CalendarPeriod(Quota.Period period, long start, long end, String label) implements Serializable {

    public static CalendarPeriod of(Quota.Period period, long at, ZoneId zone) {
        LocalDate day = Instant.ofEpochMilli(at).atZone(zone).toLocalDate();
        LocalDate first = period == Quota.Period.DAY ? day : day.withDayOfMonth(1);
        LocalDate next = period == Quota.Period.DAY ? first.plusDays(1) : first.plusMonths(1);
        return new CalendarPeriod(period, millis(first, zone), millis(next, zone),
                period == Quota.Period.DAY ? first.toString() : first.toString().substring(0, 7));
    }

    private static long millis(LocalDate d, ZoneId zone) {
        return d.atStartOfDay(zone).toInstant().toEpochMilli(); // the first valid instant of the day, also where DST skips midnight
    }

    public boolean contains(long at) {
        return at >= start && at < end;
    }
}
