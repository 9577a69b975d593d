package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;

/**
 * What a route's tally hears (keyed by route): calls (merged per route and day by {@link UsageBatcher}), each rating,
 * and the milestones {@link FollowUser} decides per user (first call, active day, regular, power, tried once,
 * returned, session, settled).
 *
 * @param count  CALL: the calls (1, or more once {@link UsageBatcher} merged a route's day); FEEDBACK: +1 for a rating,
 *               -1 for a retraction; SETTLED: the first month's uses
 * @param errors CALL: those that failed (an error, not a refusal of the caller's input)
 * @param usd    CALL: their cost
 * @param seconds FEEDBACK: time saved (NaN: not reported); SESSION: the session's length
 * @param perTenant counted in the scorecard of the route's tenant ({@link #scope()}), not the route's across tenants
 * @param users  ACTIVE merged by {@link UsageBatcher}: the users active on the route that day (then {@code user} is null)
 */
public record UsageInput(Kind kind, String route, String user, String tenant, long at, long count, long errors, double usd,
                         double seconds, Integer score, FeedbackEvent.Acceptance acceptance, FeedbackEvent.Rating rating, boolean perTenant,
                         String[] users) {

    public UsageInput(Kind kind, String route, String user, String tenant, long at, long count, long errors, double usd,
                      double seconds, Integer score, FeedbackEvent.Acceptance acceptance, FeedbackEvent.Rating rating) {
        this(kind, route, user, tenant, at, count, errors, usd, seconds, score, acceptance, rating, false, null);
    }

    /** The user or users it is about. */
    public String[] who() {
        return users != null ? users : new String[] {user};
    }

    /** Several users' ACTIVE marks of one route, tenant and day, as one input. */
    static UsageInput active(String route, String tenant, long at, String[] users) {
        return new UsageInput(Kind.ACTIVE, route, null, tenant, at, users.length, 0, 0, 0, null, null, null, false, users);
    }

    /** The tally it goes to: the route's ({@code route}) or its tenant's ({@code route|tenant}, Scorecard#key). */
    public String scope() {
        return perTenant ? dev.pilotlight.common.usage.Scorecard.key(route, tenant) : route;
    }

    /** The same input for the tenant's tally. */
    public UsageInput forTenant() {
        return new UsageInput(kind, route, user, tenant, at, count, errors, usd, seconds, score, acceptance, rating, true, users);
    }

    public enum Kind { CALL, FEEDBACK, FIRST, ACTIVE, REGULAR, POWER, TRIED_ONCE, RETURNED, SESSION, SETTLED }

    /**
     * What the usage figures count: calls where a user got to the model, and ratings the gateway attributed to a route
     * (a rating of a call another replica served has none and is not counted). Ratings no gateway would send were
     * dead-lettered at ingest (FeedbackEvent#problem).
     */
    public static boolean counted(dev.pilotlight.jobs.ingest.Envelope e) {
        return e.feedback() != null ? e.feedback().route() != null : FollowUser.counts(e.invocation());
    }

    public static UsageInput of(dev.pilotlight.jobs.ingest.Envelope e) {
        return e.feedback() != null ? feedback(e.feedback()) : call(e.invocation());
    }

    public static UsageInput call(InvocationEvent e) {
        // a negative or non-finite cost counts as nothing here (the cost module dead-letters it)
        double usd = Double.isFinite(e.costUsd()) && e.costUsd() > 0 ? e.costUsd() : 0;
        return new UsageInput(Kind.CALL, e.route(), e.userId(), e.tenant(), e.timestamp(), 1, e.status().isFailure() ? 1 : 0, usd, 0, null, null, null);
    }

    public static UsageInput feedback(FeedbackEvent f) {
        return new UsageInput(Kind.FEEDBACK, f.route(), f.userId(), f.tenant(), f.timestamp(), f.sign(), 0, 0,
                f.secondsSaved() == null ? Double.NaN : f.secondsSaved(), f.score(), f.acceptance(), f.rating());
    }

    /** A milestone of one user on one route, under the tenant of their last call there. */
    public static UsageInput mark(Kind kind, String route, String user, String tenant, long at, long count, double seconds) {
        return new UsageInput(kind, route, user, tenant, at, count, 0, 0, seconds, null, null, null);
    }
}
