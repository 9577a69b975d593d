package dev.pilotlight.gateway.limits;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-user daily spend caps that concurrent requests cannot overshoot: a request reserves its
 * maximum possible cost before the call and settles to the actual cost after (LiteLLM's budgets
 * check spend after the fact, so parallel calls overshoot). Amounts are kept in micro-dollars.
 * This replica's view only: with N replicas a user can spend up to N times the cap, since nothing
 * sums spend across the fleet yet (docs/security.md, "Spend").
 */
public final class SpendLedger {
    /** One user's day: what has been spent and what is held by calls in flight. */
    private static final class Day {
        final LocalDate date;
        long spent;
        long reserved;

        Day(LocalDate date) {
            this.date = date;
        }
    }

    /** Money held for one call; settle it exactly once. */
    public record Reservation(String userId, LocalDate date, long micros) {}

    private final long capMicros;
    private final Clock clock;
    private final Map<String, Day> days = new ConcurrentHashMap<>();

    /** @param dailyCapUsd 0 disables the cap */
    public SpendLedger(double dailyCapUsd, Clock clock) {
        this.capMicros = Math.round(dailyCapUsd * 1_000_000);
        this.clock = clock;
    }

    /** @return the reservation, or empty when it would take the user over the cap */
    public Optional<Reservation> reserve(String userId, double maxCostUsd) {
        long micros = Math.max(0, Math.round(Math.ceil(maxCostUsd * 1_000_000)));
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        boolean[] ok = {false};
        days.compute(userId, (u, d) -> {
            Day day = d == null || !d.date.equals(today) ? new Day(today) : d;
            if (capMicros <= 0 || day.spent + day.reserved + micros <= capMicros) {
                day.reserved += micros;
                ok[0] = true;
            }
            return day;
        });
        return ok[0] ? Optional.of(new Reservation(userId, today, micros)) : Optional.empty();
    }

    /** Releases the reservation and books the actual cost (0 for a failed call). */
    public void settle(Reservation r, double actualUsd) {
        long actual = Math.round(actualUsd * 1_000_000);
        days.computeIfPresent(r.userId(), (u, day) -> {
            if (day.date.equals(r.date())) {
                day.reserved -= r.micros();
                day.spent += actual;
            }
            return day;
        });
    }

    public double capUsd() {
        return capMicros / 1_000_000.0;
    }
}
