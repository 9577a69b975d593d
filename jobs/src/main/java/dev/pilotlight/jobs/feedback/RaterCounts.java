package dev.pilotlight.jobs.feedback;

/** One user's calls and ratings in one rater window; positive and negative count the ratings that say either. */
public record RaterCounts(int calls, int ratings, int positive, int negative) {
    static final RaterCounts NONE = new RaterCounts(0, 0, 0, 0);

    RaterCounts call() {
        return new RaterCounts(calls + 1, ratings, positive, negative);
    }

    /** @param polarity +1 positive, -1 negative, 0 neither */
    RaterCounts rating(int polarity) {
        return new RaterCounts(calls, ratings + 1, positive + (polarity > 0 ? 1 : 0), negative + (polarity < 0 ? 1 : 0));
    }
}
