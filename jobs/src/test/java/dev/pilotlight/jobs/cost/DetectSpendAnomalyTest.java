package dev.pilotlight.jobs.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.pilotlight.common.cost.Quota;
import dev.pilotlight.common.event.Alert;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Random;
import org.apache.commons.math3.stat.descriptive.DescriptiveStatistics;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * An hour is judged against the same hour of the week in the account's past weeks: a Monday-morning peak
 * that comes every week is normal, the same spend at 3 a.m. is not, and a quiet account never pages.
 */
class DetectSpendAnomalyTest {
    static final long HOUR = 3_600_000L;
    /** Monday 2026-11-02 00:00 UTC: four weeks of history, then the week judged. */
    static final long WEEK0 = Instant.parse("2026-11-02T00:00:00Z").toEpochMilli();
    static final CostSettings SETTINGS = CostSettings.defaults();

    static KeyedOneInputStreamOperatorTestHarness<String, CostEntry, Alert> harness() throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new DetectSpendAnomaly(SETTINGS)),
                CostEntry::account, Types.STRING);
        h.open();
        return h;
    }

    /** Business hours (Mon–Fri 9–17) $2 and 200 calls, other hours $0.10 and 10 calls, each ±10%. */
    static double[] usual(long hourStart, Random r) {
        ZonedDateTime t = Instant.ofEpochMilli(hourStart).atZone(ZoneOffset.UTC);
        boolean busy = t.getDayOfWeek().getValue() <= DayOfWeek.FRIDAY.getValue() && t.getHour() >= 9 && t.getHour() < 17;
        double noise = 0.9 + 0.2 * r.nextDouble();
        return busy ? new double[] {2.0 * noise, Math.round(200 * noise)} : new double[] {0.10 * noise, Math.round(10 * noise)};
    }

    static void hour(KeyedOneInputStreamOperatorTestHarness<String, CostEntry, Alert> h, String route, long hourStart, double usd, long calls)
            throws Exception {
        h.processElement(new StreamRecord<>(new CostEntry(CostEntry.account(Quota.Scope.ROUTE, route), Quota.Scope.ROUTE, route,
                hourStart + 60_000, Math.round(usd * 1e6), (int) calls, "acme"), hourStart + 60_000));
    }

    /** Four weeks of seasonal history, hour by hour, with the watermark closing each hour. */
    static void seed(KeyedOneInputStreamOperatorTestHarness<String, CostEntry, Alert> h, String route, Random r) throws Exception {
        for (long t = WEEK0; t < WEEK0 + 4 * 168 * HOUR; t += HOUR) {
            double[] v = usual(t, r);
            hour(h, route, t, v[0], (long) v[1]);
            h.processWatermark(t + HOUR);
        }
    }

    @Test
    void theWeeklyMondayPeakIsNormalButThePeakAtThreeInTheMorningIsAnAnomalyWithItsEvidence() throws Exception {
        Random r = new Random(7);
        try (var h = harness()) {
            seed(h, "claims-letter", r);
            long monday10 = WEEK0 + 4 * 168 * HOUR + 10 * HOUR;
            double[] normal = usual(monday10, r);
            hour(h, "claims-letter", monday10, normal[0], (long) normal[1]); // 20x the night's level: the usual Monday
            h.processWatermark(monday10 + HOUR);
            assertThat(h.extractOutputValues()).isEmpty();

            long tuesday3 = WEEK0 + 4 * 168 * HOUR + 27 * HOUR;
            hour(h, "claims-letter", tuesday3, 2.0, 200);
            h.processWatermark(tuesday3 + HOUR);
            Alert a = h.extractOutputValues().get(0);
            assertThat(a.ruleId()).isEqualTo(DetectSpendAnomaly.RULE);
            assertThat(a.state()).isEqualTo(Alert.State.FIRING);
            assertThat(a.labels()).containsEntry("route", "claims-letter").containsEntry("hourOfWeek", "Tue 03:00");

            // the evidence, recomputed: the four past Tuesdays 03:00, their median and MAD (commons-math3's percentile)
            Random replay = new Random(7);
            double[] past = new double[4];
            double[] pastCalls = new double[4];
            for (long t = WEEK0; t < WEEK0 + 4 * 168 * HOUR; t += HOUR) {
                double[] v = usual(t, replay);
                if ((t - WEEK0) % (168 * HOUR) == 27 * HOUR) {
                    past[(int) ((t - WEEK0) / (168 * HOUR))] = (float) v[0];
                    pastCalls[(int) ((t - WEEK0) / (168 * HOUR))] = v[1];
                }
            }
            String metric = a.labels().get("metric");
            double[] series = metric.equals("spend") ? past : pastCalls;
            double median = new DescriptiveStatistics(series).getPercentile(50);
            double[] dev = java.util.Arrays.stream(series).map(x -> Math.abs(x - median)).toArray();
            double mad = new DescriptiveStatistics(dev).getPercentile(50);
            double spread = Math.max(1.4826 * mad, Math.max(0.1 * median, metric.equals("spend") ? 0.1 : 1));
            assertThat(a.threshold()).isCloseTo(median + 5 * spread, within(1e-6));
            assertThat(a.value()).isEqualTo(metric.equals("spend") ? 2.0 : 200, within(1e-6));
            assertThat(a.summary()).contains("over its last 4 weeks").contains(String.format(java.util.Locale.ROOT, "%.1f robust SDs above",
                    (a.value() - median) / spread));

            long tuesday4 = tuesday3 + HOUR; // back to normal: resolved
            hour(h, "claims-letter", tuesday4, 0.1, 10);
            h.processWatermark(tuesday4 + HOUR);
            assertThat(h.extractOutputValues()).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            assertThat(h.extractOutputValues().get(1).alertId()).isEqualTo(a.alertId());
        }
    }

    @Test
    void aQuietAccountNeverPagesAndLeavesNothingAfterItsWeeks() throws Exception {
        try (var h = harness()) {
            for (long t = WEEK0; t < WEEK0 + 3 * 168 * HOUR; t += 24 * HOUR) { // a call a day at noon
                hour(h, "rarely-used", t + 12 * HOUR, 0.001, 1);
                h.processWatermark(t + 13 * HOUR);
            }
            hour(h, "rarely-used", WEEK0 + 3 * 168 * HOUR + 3 * HOUR, 0.5, 40); // 500x, but under $1 and 60 calls
            h.processWatermark(WEEK0 + 3 * 168 * HOUR + 4 * HOUR);
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(WEEK0 + 9 * 168 * HOUR);
            assertThat(h.numKeyedStateEntries()).isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aYoungAccountIsNotJudgedBeforeItHasTwoWeeks() throws Exception {
        try (var h = harness()) {
            hour(h, "new-route", WEEK0 + 9 * HOUR, 0.5, 10);
            h.processWatermark(WEEK0 + 10 * HOUR);
            hour(h, "new-route", WEEK0 + 168 * HOUR + 9 * HOUR, 50, 5000); // a week later: one week of history only
            h.processWatermark(WEEK0 + 168 * HOUR + 10 * HOUR);
            assertThat(h.extractOutputValues()).isEmpty();
        }
    }
}
