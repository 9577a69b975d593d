package dev.pilotlight.jobs.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.rules.Metric;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** A release's running totals survive a restore, and a release nobody calls any more is forgotten. */
class ReleaseTotalsTest {
    private static RuleInput cost(String version, double usd) {
        List<String> group = List.of("claims-letter", "claims-letter", version);
        return new RuleInput("cost", null, group, 1_000, usd, 1, Metric.Aggregation.RATIO, null, null, null, true);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, RuleInput, ReleaseTotal> harness(OperatorSubtaskState restore)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new ReleaseTotals()), RuleInput::key, Types.STRING);
        h.setStateTtlProcessingTime(0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    @Test
    void totalsSurviveARestoreAndAReleaseUncalledForThirtyDaysIsForgotten() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(null)) {
            h.processElement(new StreamRecord<>(cost("1.0.0", 0.01), 1_000));
            h.processElement(new StreamRecord<>(cost("1.0.0", 0.03), 1_000));
            snapshot = h.snapshot(1, 1_000);
        }
        try (var h = harness(snapshot)) {
            h.processElement(new StreamRecord<>(cost("1.0.0", 0.02), 2_000));
            assertThat(h.extractOutputValues()).singleElement().satisfies(t -> {
                assertThat(t.numerator()).isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(t.denominator()).isEqualTo(3);
            });
            assertThat(h.numKeyedStateEntries()).isEqualTo(1);
            h.setStateTtlProcessingTime(ReleaseTotals.FORGET_AFTER.toMillis() + 1);
            h.processElement(new StreamRecord<>(cost("1.0.0", 0.05), 3_000)); // a call after the horizon starts over
            assertThat(h.extractOutputValues()).last().satisfies(t -> assertThat(t.denominator()).isEqualTo(1));
        }
    }
}
