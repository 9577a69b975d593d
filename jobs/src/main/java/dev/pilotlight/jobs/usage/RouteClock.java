package dev.pilotlight.jobs.usage;

/** When a route was first and last used, and its pending timer (0: none); updated by every input of {@link TallyRoute}. */
public record RouteClock(long firstCall, long lastActivity, long timer) {
    static final RouteClock NEW = new RouteClock(Long.MAX_VALUE, 0, 0);

    RouteClock seen(long at, boolean call) {
        return new RouteClock(call ? Math.min(firstCall, at) : firstCall, Math.max(lastActivity, at), timer);
    }

    RouteClock timer(long at) {
        return new RouteClock(firstCall, lastActivity, at);
    }
}
