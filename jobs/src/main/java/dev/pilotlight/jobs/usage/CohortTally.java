package dev.pilotlight.jobs.usage;

/** The users first seen in one week on one route and how far they went in their first month. */
public record CohortTally(int users, int regular, int power, int triedOnce) {
    static final CohortTally EMPTY = new CohortTally(0, 0, 0, 0);

    CohortTally plus(int users, int regular, int power, int triedOnce) {
        return new CohortTally(this.users + users, this.regular + regular, this.power + power, Math.max(0, this.triedOnce + triedOnce));
    }
}
