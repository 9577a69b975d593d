package dev.pilotlight.jobs.sink;

import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.common.event.MetricSample;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.api.connector.sink2.Sink;

/** Where the application's outputs go; Kafka in production, collecting sinks in tests. */
public record GuardSinks(Sink<Alert> alerts, Sink<ControlCommand> commands, Sink<DeadLetter> deadLetters,
                         Sink<MetricSample> metrics, Sink<DriftSnapshot> driftSnapshots) {

    /** Without drift snapshots (tests of other modules). */
    public GuardSinks(Sink<Alert> alerts, Sink<ControlCommand> commands, Sink<DeadLetter> deadLetters, Sink<MetricSample> metrics) {
        this(alerts, commands, deadLetters, metrics, new DiscardingSink<>());
    }
}
