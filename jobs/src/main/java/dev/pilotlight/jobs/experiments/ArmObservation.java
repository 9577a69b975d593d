package dev.pilotlight.jobs.experiments;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;

/**
 * One thing an arm of an experiment saw: a call, or a rating attributed to the call it rates (with the
 * call's prompt, version and variant, never the rating's own claims). A retraction counts -1.
 *
 * @param time     the event's own time (the call's end, or when the rating was given)
 * @param accepted for a rating: accepted or with minor edits; null when it carries no acceptance
 * @param thumbs   for a rating: +1 up, -1 down, 0 none
 * @param sign     +1, or -1 for a retracted rating
 */
public record ArmObservation(String promptId, String route, String variant, String version, String userId, long time,
                             boolean rating, InvocationStatus status, long latencyMs, double costUsd,
                             Boolean accepted, int thumbs, int sign) {

    /** The call an event describes. */
    public static ArmObservation call(InvocationEvent e) {
        return new ArmObservation(e.promptId(), e.route(), e.variant(), e.promptVersion(), e.userId(), e.timestamp(), false,
                e.status(), e.latencyMs(), e.costUsd(), null, 0, 1);
    }

    /** A rating of {@code call} (the arm is the call's). */
    public static ArmObservation rating(ArmObservation call, FeedbackEvent f) {
        Boolean accepted = f.acceptance() == null ? null
                : f.acceptance() == FeedbackEvent.Acceptance.ACCEPTED || f.acceptance() == FeedbackEvent.Acceptance.MINOR_EDITS;
        int thumbs = f.rating() == null ? 0 : f.rating() == FeedbackEvent.Rating.UP ? 1 : -1;
        return new ArmObservation(call.promptId(), call.route(), call.variant(), call.version(), f.userId(), f.timestamp(), true,
                null, 0, 0, accepted, thumbs, f.retraction() ? -1 : 1);
    }

    /** Whether a call reached a model (what error rate and latency count, as the rules do). */
    public boolean reachedModel() {
        return status == InvocationStatus.OK || status == InvocationStatus.ERROR || status == InvocationStatus.TIMEOUT
                || status == InvocationStatus.BLOCKED_OUTPUT;
    }

    public boolean failed() {
        return status == InvocationStatus.ERROR || status == InvocationStatus.TIMEOUT;
    }
}
