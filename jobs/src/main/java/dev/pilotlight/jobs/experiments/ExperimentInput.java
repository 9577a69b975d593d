package dev.pilotlight.jobs.experiments;

import dev.pilotlight.common.event.ReleaseState;

/** What the judge of one prompt reads, in one keyed stream: its release changes and its arms' observations. */
public record ExperimentInput(ReleaseState release, ArmObservation observation) {
    public static ExperimentInput of(ReleaseState r) {
        return new ExperimentInput(r, null);
    }

    public static ExperimentInput of(ArmObservation o) {
        return new ExperimentInput(null, o);
    }

    public String promptId() {
        return release != null ? release.promptId() : observation.promptId();
    }
}
