package dev.pilotlight.jobs.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.rules.Metric;
import dev.pilotlight.jobs.sketch.LatencySketch;
import java.time.Duration;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class RuleInputBatcherTest {
    private static RuleInput latency(String route, long ts, double ms) {
        return new RuleInput("p95", "p95|" + route, List.of(route), ts, ms, 1, Metric.Aggregation.QUANTILE, null, null, null, false);
    }

    @Test
    void aKeysPartialsLeaveInEventOrderEvenWhenOneFlushSpansManySeconds() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new RuleInputBatcher(Duration.ofMillis(100)))) {
            h.open();
            h.setProcessingTime(0);
            for (int s = 0; s < 300; s++) { // a backlog: five minutes of one route read within one interval
                h.processElement(new StreamRecord<>(latency("a", 1_000L * s, 100), 1_000L * s));
                h.processElement(new StreamRecord<>(latency("b" + s % 7, 1_000L * s, 100), 1_000L * s));
            }
            h.setProcessingTime(100);
            List<Long> a = h.extractOutputValues().stream().filter(r -> r.key().equals("p95|a")).map(RuleInput::timestamp).toList();
            assertThat(a).hasSize(300).isSorted();
        }
    }

    @Test
    void mergesPerRuleGroupAndSecondAndFlushesOnTheIntervalAndBeforeWatermarks() throws Exception {
        try (var h = new OneInputStreamOperatorTestHarness<>(new RuleInputBatcher(Duration.ofMillis(100)))) {
            h.open();
            h.setProcessingTime(0);
            h.processElement(new StreamRecord<>(latency("a", 1_000, 100), 1_000));
            h.processElement(new StreamRecord<>(latency("a", 1_500, 300), 1_500));
            h.processElement(new StreamRecord<>(latency("a", 2_100, 900), 2_100)); // next second: its own bucket
            h.processElement(new StreamRecord<>(latency("b", 1_200, 200), 1_200));
            assertThat(h.extractOutputValues()).as("held until the interval ends").isEmpty();

            h.setProcessingTime(100);
            List<RuleInput> out = h.extractOutputValues();
            assertThat(out).hasSize(3);
            RuleInput a1 = out.stream().filter(r -> r.key().equals("p95|a") && r.timestamp() == 1_500).findFirst().orElseThrow();
            assertThat(a1.denominator()).isEqualTo(2);
            assertThat(LatencySketch.decode(a1.histogram()).getTotalCount()).isEqualTo(2);

            h.processElement(new StreamRecord<>(latency("a", 3_000, 100), 3_000));
            h.processWatermark(new Watermark(2_999));
            assertThat(h.getOutput()).as("the partial goes out before the watermark").hasSize(5);
            assertThat(h.getOutput().toArray()[3]).isInstanceOf(StreamRecord.class);
            assertThat(h.getOutput().toArray()[4]).isInstanceOf(Watermark.class);
        }
    }
}
