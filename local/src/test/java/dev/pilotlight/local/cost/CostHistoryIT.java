package dev.pilotlight.local.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.local.stack.GuardJobFixture;
import dev.pilotlight.testkit.Fixtures;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import dev.pilotlight.testkit.kafka.TopicReader;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost module's judgements over history, on a real broker and a MiniCluster with the shipped
 * settings: weeks of seeded hourly spend (the job accepts events up to 40 days old here) with a
 * business-hours season, a normal Monday peak and a 3 a.m. spike; and a tenant's days on course to pass
 * its monthly budget. Alerts are read back from guard.alerts.
 */
class CostHistoryIT {
    private static final long HOUR = 3_600_000L;
    private static final AtomicLong SEQ = new AtomicLong();
    private static GuardJobFixture fx;
    private static EmbeddedKafka kafka;
    private static KafkaProducer<String, byte[]> producer;
    /** Monday 00:00 UTC five weeks before this week's: four weeks of history, then the week judged. */
    private static final long WEEK0 = ZonedDateTime.now(ZoneOffset.UTC).toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
            .minusWeeks(5).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    /** Four days of one month, ending at least two days before today and two days before the month's end. */
    private static final LocalDate DAY0 = fourDaysInOneMonth(LocalDate.now(ZoneOffset.UTC).minusDays(12));

    private static LocalDate fourDaysInOneMonth(LocalDate d) {
        while (d.plusDays(3).getMonthValue() != d.getMonthValue() || d.plusDays(5).getMonthValue() != d.getMonthValue()) {
            d = d.minusDays(1);
        }
        return d;
    }

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        // spend so far $20 in four days: any pace of at least $1 over the days left passes $21
        Path rules = Fixtures.alertRulesWith(dir.resolve("rules"), Map.of("quotas.yaml", """
                quotas:
                  - id: forecast-corp-month
                    scope: tenant
                    match: forecast-corp
                    period: month
                    budget_usd: 21
                  - id: reset-user-daily
                    scope: user
                    match: reset-user
                    period: day
                    budget_usd: 1
                    action: block
                  - id: steady-corp-month
                    scope: tenant
                    match: steady-corp
                    period: month
                    budget_usd: 1000
                """));
        fx = GuardJobFixture.start(rules, dir, "cost-history-key-cost-history-key-0123", "--modules", "cost", "--max-event-age", "40d",
                "--idleness", "1s");
        kafka = fx.kafka;
        producer = fx.producer;
    }

    @AfterAll
    static void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
    }

    private static void call(String tenant, String user, String route, long at, double usd) {
        InvocationEvent e = InvocationEvent.builder().eventId("h-" + SEQ.incrementAndGet()).timestamp(at).gatewayId("gw-seed").tenant(tenant)
                .userId(user).route(route).promptVersion("1.0.0").model("sim-model").status(InvocationStatus.OK)
                .inputTokens(100).outputTokens(100).costUsd(usd).build();
        producer.send(new ProducerRecord<>(Topics.INVOCATIONS, user, JsonCodec.encode(e)));
    }

    /** Business hours (Mon–Fri 9–17) $2 an hour, other hours $0.10, each ±10%. */
    private static double usual(long hourStart, Random r) {
        ZonedDateTime t = Instant.ofEpochMilli(hourStart).atZone(ZoneOffset.UTC);
        boolean busy = t.getDayOfWeek().getValue() <= 5 && t.getHour() >= 9 && t.getHour() < 17;
        return (busy ? 2.0 : 0.10) * (0.9 + 0.2 * r.nextDouble());
    }

    private static List<Alert> alerts(java.util.function.Predicate<Alert> match, Duration within) {
        return TopicReader.find(kafka.bootstrapServers(), Topics.ALERTS, r -> match.test(JsonCodec.decode(r.value(), Alert.class)), within)
                .map(r -> List.of(JsonCodec.decode(r.value(), Alert.class))).orElse(List.of());
    }

    @Test
    void aSpikeAgainstTheRoutesOwnWeeksIsFlaggedAndItsUsualMondayPeakIsNot() throws Exception {
        Random seasonal = new Random(3);
        Random spiky = new Random(4);
        long judged = WEEK0 + 4 * 168 * HOUR;
        for (long t = WEEK0; t < judged + 48 * HOUR; t += HOUR) { // in time order: the watermark closes each hour
            boolean spike = t == judged + 27 * HOUR; // Tuesday 03:00 of the judged week
            call("acme", "seasonal-user", "seasonal-route", t + 60_000, usual(t, seasonal));
            call("acme", "spiky-user", "spiky-route", t + 60_000, spike ? 2.0 : usual(t, spiky));
        }
        producer.flush();
        List<Alert> spike = alerts(a -> "cost-anomaly".equals(a.ruleId()) && "spiky-route".equals(a.labels().get("route")),
                Duration.ofSeconds(60));
        assertThat(spike).singleElement().satisfies(a -> {
            assertThat(a.labels()).containsEntry("hourOfWeek", "Tue 03:00").containsEntry("metric", "spend");
            assertThat(a.value()).isEqualTo(2.0);
            assertThat(a.startsAt()).isEqualTo(judged + 27 * HOUR);
        });
        // every hour of both routes up to Wednesday is judged by now (the spike's and later): the seasonal route raised nothing
        assertThat(TopicReader.has(kafka.bootstrapServers(), Topics.ALERTS, r -> {
            Alert a = JsonCodec.decode(r.value(), Alert.class);
            return "seasonal-route".equals(a.labels().get("route")) || "seasonal-user".equals(a.labels().get("userId"));
        })).isFalse();
    }

    @Test
    void aTenantOnCourseToPassItsMonthlyBudgetIsWarnedDaysBeforeAndASteadyOneIsNot() throws Exception {
        for (int d = 0; d < 4; d++) {
            long noon = DAY0.plusDays(d).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
            call("forecast-corp", "fc-user", "claims-letter", noon, 5.00);
            call("steady-corp", "sc-user", "claims-letter", noon, 0.50);
        }
        call("forecast-corp", "fc-user", "claims-letter", DAY0.plusDays(4).atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli(), 0.01);
        producer.flush();
        List<Alert> forecast = alerts(a -> "spend-forecast".equals(a.ruleId()) && "forecast-corp".equals(a.labels().get("tenant")),
                Duration.ofSeconds(60));
        assertThat(forecast).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(Alert.State.FIRING);
            assertThat(a.threshold()).isEqualTo(21);
            assertThat(a.value()).isGreaterThanOrEqualTo(21);
            assertThat(a.summary()).contains("forecast-corp is on course for").contains("against quota forecast-corp-month of $21.00");
        });
        assertThat(TopicReader.has(kafka.bootstrapServers(), Topics.ALERTS,
                r -> "steady-corp".equals(JsonCodec.decode(r.value(), Alert.class).labels().get("tenant")))).isFalse();
    }

    @Test
    void aUsedUpDailyQuotaIsResolvedWhenTheDayEndsAndTheNextDayStartsFromZero() throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(3);
        long noon = day.atTime(12, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        long midnight = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        call("acme", "reset-user", "claims-letter", noon, 0.60);
        call("acme", "reset-user", "claims-letter", noon + 60_000, 0.60); // $1.20 of $1: used up
        call("acme", "reset-user", "claims-letter", midnight + 12 * HOUR, 0.60); // the next day: $0.60 of $1
        call("acme", "reset-user", "claims-letter", midnight + 13 * HOUR, 0.30);
        producer.flush();
        List<Alert> resolved = alerts(a -> "reset-user-daily".equals(a.ruleId()) && a.state() == Alert.State.RESOLVED, Duration.ofSeconds(60));
        assertThat(resolved).singleElement().satisfies(a -> {
            assertThat(a.endsAt()).isEqualTo(midnight);
            assertThat(a.labels()).containsEntry("period", day.toString()).containsEntry("level", "used-up");
        });
        // the events are days old: the decision alerts but issues no command (--max-decision-lag)
        assertThat(TopicReader.has(kafka.bootstrapServers(), Topics.CONTROL, r -> true)).isFalse();
        assertThat(TopicReader.all(kafka.bootstrapServers(), Topics.ALERTS).stream().map(r -> JsonCodec.decode(r.value(), Alert.class))
                .filter(a -> "reset-user-daily".equals(a.ruleId()) && a.state() == Alert.State.FIRING))
                .singleElement().satisfies(a -> assertThat(a.labels()).containsEntry("period", day.toString()));
    }
}
