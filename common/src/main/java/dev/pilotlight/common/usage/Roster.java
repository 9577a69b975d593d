package dev.pilotlight.common.usage;

import java.io.Serializable;
import java.util.Set;

/**
 * Who a route is meant for (docs/usage.md, "Rosters"): the denominator of "70%+ of target users active
 * weekly" and the invited step of the adoption funnel. Without a roster those criteria cannot be judged.
 *
 * @param route     the route the pilot group was given
 * @param users     the user ids the gateway knows them by (never names or e-mail addresses)
 * @param invitedAt when they were invited (epoch ms), the start of the activation window; null: the route's first call
 * @param source    file:line it was read from
 */
public record Roster(String route, Set<String> users, Long invitedAt, String source) implements Serializable {

    public boolean includes(String user) {
        return users.contains(user);
    }
}
