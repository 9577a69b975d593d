package dev.pilotlight.jobs.sink;

import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.common.experiment.ExperimentState;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.api.connector.sink2.Sink;

/** Where the application's outputs go; Kafka in production, collecting sinks in tests. */
public record GuardSinks(Sink<Alert> alerts, Sink<ControlCommand> commands, Sink<DeadLetter> deadLetters,
                         Sink<MetricSample> metrics, Sink<DriftSnapshot> driftSnapshots, Sink<ExperimentState> experiments,
                         Sink<Scorecard> scorecards) {

    /** Without scorecards (tests of other modules). */
    public GuardSinks(Sink<Alert> alerts, Sink<ControlCommand> commands, Sink<DeadLetter> deadLetters, Sink<MetricSample> metrics,
                      Sink<DriftSnapshot> driftSnapshots, Sink<ExperimentState> experiments) {
        this(alerts, commands, deadLetters, metrics, driftSnapshots, experiments, new DiscardingSink<>());
    }

    /** Without experiment states (tests of other modules). */
    public GuardSinks(Sink<Alert> alerts, Sink<ControlCommand> commands, Sink<DeadLetter> deadLetters, Sink<MetricSample> metrics,
                      Sink<DriftSnapshot> driftSnapshots) {
        this(alerts, commands, deadLetters, metrics, driftSnapshots, new DiscardingSink<>());
    }

    /** Without drift snapshots (tests of other modules). */
    public GuardSinks(Sink<Alert> alerts, Sink<ControlCommand> commands, Sink<DeadLetter> deadLetters, Sink<MetricSample> metrics) {
        this(alerts, commands, deadLetters, metrics, new DiscardingSink<>());
    }
}
