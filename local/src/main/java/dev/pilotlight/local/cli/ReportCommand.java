package dev.pilotlight.local.cli;

import dev.pilotlight.reports.drift.DriftReportData;
import dev.pilotlight.reports.drift.DriftReportWriter;
import dev.pilotlight.reports.drift.DriftSnapshotReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./pilotlight report drift --route R}: the weekly drift report as Markdown and self-contained HTML (docs/drift.md, "Reports"). */
@Command(name = "report", description = "Reports from the guard's topics.", subcommands = {ReportCommand.Drift.class})
final class ReportCommand {

    @Command(name = "drift", description = "A route's drift over a period: histograms against the reference, PSI over time, release changes.")
    static final class Drift implements Callable<Integer> {
        @Option(names = "--route", required = true, description = "The route.")
        String route;

        @Option(names = "--from", defaultValue = "7d", description = "Start: an instant (2026-11-30T09:00:00Z) or a duration ago (default ${DEFAULT-VALUE}).")
        String from;

        @Option(names = "--to", defaultValue = "0s", description = "End, likewise (default: now).")
        String to;

        @Option(names = "--out", defaultValue = "reports", description = "Directory for drift-<route>.md, .html and the charts (default ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--bootstrap", defaultValue = "${env:PILOTLIGHT_KAFKA:-127.0.0.1:9092}", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrap;

        @Override
        public Integer call() throws Exception {
            long now = System.currentTimeMillis();
            long start;
            long end;
            try {
                start = TimeArg.parse("--from", from, now);
                end = TimeArg.parse("--to", to, now);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            DriftReportData data = DriftReportData.of(route, start, end, new DriftSnapshotReader(bootstrap).read(route, start, end));
            DriftReportWriter.Written w = DriftReportWriter.write(data, out);
            System.out.println("drift report of " + route + ": " + data.windows() + " windows, " + data.features().size() + " features");
            System.out.println("  " + w.markdown());
            System.out.println("  " + w.html());
            return data.windows() == 0 ? 1 : 0;
        }
    }
}
