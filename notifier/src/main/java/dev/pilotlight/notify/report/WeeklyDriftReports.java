package dev.pilotlight.notify.report;

import dev.pilotlight.reports.drift.DriftReportData;
import dev.pilotlight.reports.drift.DriftReportWriter;
import dev.pilotlight.reports.drift.DriftSnapshotReader;
import java.io.IOException;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The playbook's "automated weekly report comparing to baseline": every {@code weekday} at {@code at}
 * (UTC) the drift report of each configured route over the past seven days, written to
 * {@code dir/<date>/} as Markdown and self-contained HTML (docs/drift.md, "Reports").
 */
public final class WeeklyDriftReports {
    private static final Logger LOG = LoggerFactory.getLogger(WeeklyDriftReports.class);

    /** What the notifier config's {@code reports:} section says. */
    public record Settings(Path dir, List<String> routes, DayOfWeek weekday, LocalTime at) {}

    private final Settings settings;
    private final DriftSnapshotReader reader;

    public WeeklyDriftReports(Settings settings, String bootstrap) {
        this.settings = settings;
        this.reader = new DriftSnapshotReader(bootstrap);
    }

    /** The next time the reports are due after {@code now} (UTC). */
    public LocalDateTime next(LocalDateTime now) {
        LocalDateTime due = now.toLocalDate().with(TemporalAdjusters.nextOrSame(settings.weekday())).atTime(settings.at());
        return due.isAfter(now) ? due : due.plusWeeks(1);
    }

    /** Writes the reports of the week that ended at {@code end}; a route that fails is logged and the others still written. */
    public List<Path> write(LocalDateTime end) {
        long to = end.toInstant(ZoneOffset.UTC).toEpochMilli();
        long from = to - Duration.ofDays(7).toMillis();
        Path dir = settings.dir().resolve(end.toLocalDate().toString());
        List<Path> written = new ArrayList<>();
        for (String route : settings.routes()) {
            try {
                DriftReportData data = DriftReportData.of(route, from, to, reader.read(route, from, to));
                DriftReportWriter.Written w = DriftReportWriter.write(data, dir);
                written.add(w.html());
                LOG.info("weekly drift report of {}: {} windows, {}", route, data.windows(), w.html());
            } catch (IOException | RuntimeException e) {
                LOG.error("weekly drift report of {} failed", route, e);
            }
        }
        return written;
    }
}
