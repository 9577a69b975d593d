package dev.pilotlight.jobs.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.jobs.sketch.DistinctSketch;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A tenant's users active on any route over 7 and 30 days, told at each tick; a silent tenant is told gone and forgotten. */
class CountActiveUsersTest {
    static final long DAY = 86_400_000;
    static final long T0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
    static final UsageSettings S = UsageSettings.parse("test", "refresh: 1d\n");

    static KeyedOneInputStreamOperatorTestHarness<String, ActiveAnywhere, ActiveUsers> harness() throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new CountActiveUsers(S), CountActiveUsers::tenantOf, Types.STRING);
    }

    static long estimate(byte[] sketch) {
        return Math.round(DistinctSketch.estimate(List.of(sketch)));
    }

    @Test
    void weeklyAndMonthlyCountDistinctUsersOfTheirDays() throws Exception {
        try (var h = harness()) {
            Set<String> week = new HashSet<>();
            Set<String> month = new HashSet<>();
            for (int d = 0; d < 20; d++) {
                for (int u = d; u < d + 5; u++) { // five users a day, sliding: user i is active on days i-4..i
                    String user = "u" + u;
                    h.processElement(new StreamRecord<>(new ActiveAnywhere(user, "acme", T0 + d * DAY + 1_000), T0 + d * DAY + 1_000));
                    month.add(user);
                    if (d >= 13) {
                        week.add(user);
                    }
                }
                h.processWatermark(T0 + (d + 1) * DAY);
            }
            ActiveUsers last = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
            assertThat(h.extractOutputValues()).hasSize(20); // one per day end
            assertThat(last.tenant()).isEqualTo("acme");
            assertThat(last.asOf()).isEqualTo(T0 + 20 * DAY);
            assertThat(estimate(last.weekly())).isEqualTo(week.size());
            assertThat(estimate(last.monthly())).isEqualTo(month.size());
        }
    }

    @Test
    void aSilentTenantIsToldGoneAndLeavesNoStateOrTimer() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(new ActiveAnywhere("ann", null, T0 + 1_000), T0 + 1_000));
            h.processWatermark(T0 + 40 * DAY);
            ActiveUsers last = h.extractOutputValues().get(h.extractOutputValues().size() - 1);
            assertThat(last.tenant()).isEmpty();
            assertThat(last.gone()).isTrue();
            assertThat(((org.apache.flink.runtime.state.heap.HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend())
                    .numKeyValueStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
