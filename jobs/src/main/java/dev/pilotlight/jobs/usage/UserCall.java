package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.event.InvocationEvent;

/** What {@link FollowUser} needs of a call: who, where, for which tenant, when it ended and how long it took (not the whole event across the network). */
public record UserCall(String user, String route, String tenant, long end, long latencyMs) {
    public static UserCall of(InvocationEvent e) {
        return new UserCall(e.userId(), e.route(), e.tenant(), e.timestamp(), Math.max(0, e.latencyMs()));
    }
}
