package dev.pilotlight.common;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition by polling it until a deadline: how the stack, scenarios and tests wait. */
public final class Deadline {
    private static final long POLL_MS = 10;

    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    public static Deadline in(Duration d) {
        return new Deadline(System.nanoTime() + d.toNanos());
    }

    public boolean passed() {
        return System.nanoTime() > endNanos;
    }

    /** @return whether the condition held before the deadline */
    public boolean await(BooleanSupplier condition) throws InterruptedException {
        while (!condition.getAsBoolean()) {
            if (passed()) {
                return false;
            }
            Thread.sleep(POLL_MS); // polling interval, not synchronisation
        }
        return true;
    }

    /** Like {@link #await} but fails with {@code what} when the deadline passes. */
    public static void require(String what, Duration within, BooleanSupplier condition) throws InterruptedException {
        if (!in(within).await(condition)) {
            throw new IllegalStateException("not within " + within + ": " + what);
        }
    }
}
