package dev.pilotlight.local.cli;

import dev.pilotlight.reports.drift.DriftReportData;
import dev.pilotlight.reports.drift.DriftReportWriter;
import dev.pilotlight.reports.drift.DriftSnapshotReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./pilotlight report drift --route R}: the weekly drift report as Markdown and self-contained HTML (docs/drift.md, "Reports"). */
@Command(name = "report", description = "Reports from the guard's topics.", subcommands = {ReportCommand.Drift.class})
final class ReportCommand {

    @Command(name = "drift", description = "A route's drift over a period: histograms against the reference, PSI over time, release changes.")
    static final class Drift implements Callable<Integer> {
        @Mixin
        RoutePeriod period;

        @Option(names = "--out", defaultValue = "reports", description = "Directory for drift-<route>.md, .html and the charts (default ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            long[] t;
            try {
                t = period.millis(System.currentTimeMillis());
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
            DriftReportData data = DriftReportData.of(period.route, t[0], t[1],
                    new DriftSnapshotReader(period.bootstrap).read(period.route, t[0], t[1]));
            DriftReportWriter.Written w = DriftReportWriter.write(data, out);
            System.out.println("drift report of " + period.route + ": " + data.windows() + " windows, " + data.features().size() + " features");
            System.out.println("  " + w.markdown());
            System.out.println("  " + w.html());
            return data.windows() == 0 ? 1 : 0;
        }
    }
}
