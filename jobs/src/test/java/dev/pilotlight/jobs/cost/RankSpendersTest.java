package dev.pilotlight.jobs.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pilotlight.common.event.MetricSample;
import java.util.List;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The dashboard sees each tenant's top spenders and the rest as one row; the one far above the others is marked. */
class RankSpendersTest {
    static final long DAY = TrackSpendTest.T0 - TrackSpendTest.T0 % 86_400_000L;

    @Test
    void topTenAndTheRestAsOtherWithTheOutlierMarkedAndNothingLeftAfterTheDay() throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new RankSpenders(CostSettings.defaults())),
                UserSpend::rankingKey, Types.STRING)) {
            h.open();
            double[] spends = new double[15];
            for (int i = 0; i < 15; i++) {
                spends[i] = i == 7 ? 5.00 : 0.10 + 0.01 * i;
                long t = TrackSpendTest.T0 + i;
                h.processElement(new StreamRecord<>(new UserSpend("acme", "u" + i, DAY, DAY + 86_400_000L, Math.round(spends[i] * 1e6), 3,
                        i == 7 ? 0.5 : 0, t), t));
            }
            h.processWatermark(TrackSpendTest.T0 + 60_000);
            List<MetricSample> out = h.extractOutputValues();
            assertThat(out).hasSize(11);
            MetricSample first = out.get(0);
            assertThat(first.labels()).containsEntry("user", "u7").containsEntry("tenant", "acme").containsEntry("day", "2036-11-30");
            assertThat(first.values()).containsEntry("rank", 1.0).containsEntry("quota_use", 0.5).containsEntry("outlier", 1.0);
            double median = new DescriptiveStatistics(spends).getPercentile(50);
            double[] dev = java.util.Arrays.stream(spends).map(x -> Math.abs(x - median)).toArray();
            double mad = new DescriptiveStatistics(dev).getPercentile(50);
            assertThat(first.values().get("score")).isCloseTo((5.00 - median) / Math.max(1.4826 * mad, 0.01), within(1e-6));
            assertThat(out.subList(1, 10)).allSatisfy(s -> assertThat(s.values()).containsEntry("outlier", 0.0));
            MetricSample other = out.get(10);
            assertThat(other.labels()).containsEntry("user", "other");
            assertThat(other.values().get("users")).isEqualTo(5.0);
            assertThat(other.values().get("spend_usd")).isCloseTo(0.10 + 0.11 + 0.12 + 0.13 + 0.14, within(1e-9)); // u0..u4
            h.processWatermark(DAY + 86_400_000L);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}
