package dev.pilotlight.notify.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.testkit.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notifier's weekly drift report: due on the configured weekday and time, written from a real broker's guard.drift. */
class WeeklyDriftReportsIT {
    @TempDir
    Path dir;

    @Test
    void dueWeeklyAndWrittenFromTheWeeksWindows() throws Exception {
        WeeklyDriftReports.Settings s = new WeeklyDriftReports.Settings(dir, List.of("claims-letter", "nothing-here"), DayOfWeek.MONDAY,
                LocalTime.of(7, 0));
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createContractTopics();
            WeeklyDriftReports reports = new WeeklyDriftReports(s, kafka.bootstrapServers());
            assertThat(reports.next(LocalDateTime.of(2026, 11, 30, 6, 59))).isEqualTo(LocalDateTime.of(2026, 11, 30, 7, 0)); // a Monday
            assertThat(reports.next(LocalDateTime.of(2026, 11, 30, 7, 0))).isEqualTo(LocalDateTime.of(2026, 12, 7, 7, 0));
            assertThat(reports.next(LocalDateTime.of(2026, 12, 3, 12, 0))).isEqualTo(LocalDateTime.of(2026, 12, 7, 7, 0));

            LocalDateTime end = LocalDateTime.now(ZoneOffset.UTC).plusMinutes(1);
            long now = System.currentTimeMillis();
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 3; i++) {
                    long start = now - (3 - i) * 3_600_000L;
                    DriftScore score = new DriftScore(1, "claims-letter", "1.0.0", "output_tokens", "output", "trailing", "24 windows", start,
                            start + 3_600_000, 500, 4000, DriftScore.SCORED, 0.01 + i, 0.05, 0.02, null, "wasserstein", 0.02, 0.1, i == 2, null, List.of());
                    DriftSnapshot snap = new DriftSnapshot(1, "claims-letter", "1.0.0", start, start + 3_600_000,
                            Map.of("output_tokens", Map.of("[128,181)", 400L, "[362,512)", i * 100L)),
                            Map.of("trailing", Map.of("output_tokens", Map.of("[128,181)", 4000L))), Map.of(), List.of(score), List.of());
                    p.send(new ProducerRecord<>(Topics.DRIFT, "claims-letter", JsonCodec.encode(snap))).get();
                }
                p.send(new ProducerRecord<>(Topics.DRIFT, "claims-letter", "not a snapshot".getBytes())).get();
            }
            List<Path> written = reports.write(end);
            assertThat(written).hasSize(2);
            Path html = dir.resolve(end.toLocalDate().toString()).resolve("drift-claims-letter.html");
            assertThat(Files.readString(html)).contains("Output drift: output_tokens in 1 of 3 windows").contains("could not be read");
            assertThat(Files.readString(dir.resolve(end.toLocalDate().toString()).resolve("drift-nothing-here.md")))
                    .contains("No drift window of this route in the period");
        }
    }
}
