package dev.pilotlight.jobs.cost;

import org.apache.flink.streaming.api.TimerService;

/**
 * The one event-time timer that drops a key's state once the key has been quiet long enough: moved
 * forward (the old one deleted) rather than one more timer per call, and only when it moves by at least
 * {@code step}, so a busy key touches the timer service once per step, not once per call.
 */
final class IdleTimer {
    private IdleTimer() {}

    /** @return the timer now set: {@code next} if it moved, else {@code current} */
    static long move(TimerService timers, long current, long next, long step) {
        if (next < current + step) {
            return current;
        }
        if (current != 0) {
            timers.deleteEventTimeTimer(current);
        }
        timers.registerEventTimeTimer(next);
        return next;
    }
}
