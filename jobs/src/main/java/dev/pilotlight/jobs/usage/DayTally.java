package dev.pilotlight.jobs.usage;

import dev.pilotlight.common.event.FeedbackEvent;

/**
 * One route's calls, ratings, sessions, value and cost on one usage day ({@link TallyRoute} keeps the last
 * days). Active users are counted apart, in a sketch per day. Ratings subtract when retracted.
 */
public record DayTally(long calls, long errors, double costUsd, long acceptanceAnswers, long accepted, long thumbsUp, long thumbsDown,
                       long scores, double scoreSum, long savedReports, double secondsSaved, double valueUsd, long sessions,
                       double sessionSeconds) {

    public static final DayTally EMPTY = new DayTally(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    DayTally call(UsageInput c) {
        return new DayTally(calls + c.count(), errors + c.errors(), costUsd + c.usd(), acceptanceAnswers, accepted, thumbsUp,
                thumbsDown, scores, scoreSum, savedReports, secondsSaved, valueUsd, sessions, sessionSeconds);
    }

    /** A rating (sign +1) or its retraction (-1); time saved valued at {@code ratePerHour}. */
    DayTally rating(UsageInput f, double ratePerHour) {
        long sign = f.count();
        boolean answered = f.acceptance() != null;
        boolean used = f.acceptance() == FeedbackEvent.Acceptance.ACCEPTED || f.acceptance() == FeedbackEvent.Acceptance.MINOR_EDITS;
        boolean saved = !Double.isNaN(f.seconds());
        double seconds = saved ? sign * f.seconds() : 0;
        return new DayTally(calls, errors, costUsd, acceptanceAnswers + (answered ? sign : 0), accepted + (used ? sign : 0),
                thumbsUp + (f.rating() == FeedbackEvent.Rating.UP ? sign : 0), thumbsDown + (f.rating() == FeedbackEvent.Rating.DOWN ? sign : 0),
                scores + (f.score() == null ? 0 : sign), scoreSum + (f.score() == null ? 0 : sign * f.score()),
                savedReports + (saved ? sign : 0), secondsSaved + seconds, valueUsd + seconds / 3600.0 * ratePerHour, sessions, sessionSeconds);
    }

    DayTally session(double seconds) {
        return new DayTally(calls, errors, costUsd, acceptanceAnswers, accepted, thumbsUp, thumbsDown, scores, scoreSum, savedReports,
                secondsSaved, valueUsd, sessions + 1, sessionSeconds + seconds);
    }

    DayTally plus(DayTally o) {
        return new DayTally(calls + o.calls, errors + o.errors, costUsd + o.costUsd, acceptanceAnswers + o.acceptanceAnswers,
                accepted + o.accepted, thumbsUp + o.thumbsUp, thumbsDown + o.thumbsDown, scores + o.scores, scoreSum + o.scoreSum,
                savedReports + o.savedReports, secondsSaved + o.secondsSaved, valueUsd + o.valueUsd, sessions + o.sessions, sessionSeconds + o.sessionSeconds);
    }
}
