package dev.pilotlight.jobs.usage;

/**
 * One user's first month on one route, as {@link FollowUser} keeps it: when they came, how often they used it,
 * their open session, and which milestones were already told.
 *
 * @param sessions sessions begun so far (the open one included)
 * @param tenant   the tenant of their last call there (milestones decided by the timer go to its tally)
 * @param flags    {@link #REGULAR}, {@link #POWER}, {@link #WEEK_JUDGED}, {@link #TRIED_ONCE}, {@link #SETTLED}
 */
public record UserOnRoute(long firstSeen, int uses, long sessionStart, long lastEnd, boolean sessionOpen, int sessions, long lastDay,
                          String tenant, int flags) {
    static final int REGULAR = 1;
    static final int POWER = 2;
    static final int WEEK_JUDGED = 4;
    static final int TRIED_ONCE = 8;
    static final int SETTLED = 16;

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    UserOnRoute with(int flag) {
        return new UserOnRoute(firstSeen, uses, sessionStart, lastEnd, sessionOpen, sessions, lastDay, tenant, flags | flag);
    }

    UserOnRoute without(int flag) {
        return new UserOnRoute(firstSeen, uses, sessionStart, lastEnd, sessionOpen, sessions, lastDay, tenant, flags & ~flag);
    }
}
