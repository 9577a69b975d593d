package dev.pilotlight.local.cli;

import dev.pilotlight.reports.drift.DriftReportData;
import dev.pilotlight.reports.experiment.ExperimentReport;
import dev.pilotlight.reports.experiment.ExperimentStateReader;
import dev.pilotlight.reports.drift.DriftReportWriter;
import dev.pilotlight.reports.drift.DriftSnapshotReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./pilotlight report drift --route R}: the weekly drift report as Markdown and self-contained HTML (docs/drift.md, "Reports"). */
@Command(name = "report", description = "Reports from the guard's topics.", subcommands = {ReportCommand.Drift.class, ReportCommand.Experiment.class})
final class ReportCommand {

    @Command(name = "drift", description = "A route's drift over a period: histograms against the reference, PSI over time, release changes.")
    static final class Drift implements Callable<Integer> {
        @Mixin
        RoutePeriod period;

        @Option(names = "--out", defaultValue = "reports", description = "Directory for drift-<route>.md, .html and the charts (default ${DEFAULT-VALUE}).")
        Path out;

        @Override
        public Integer call() throws Exception {
            long[] t = period.millisOrExplain(System.currentTimeMillis());
            if (t == null) {
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

    @Command(name = "experiment", description = "A route's release experiments: the arms side by side, effect with its interval, p-values, "
            + "decision and the ramp's history, from guard.experiments.")
    static final class Experiment implements Callable<Integer> {
        @Mixin
        RoutePeriod period;

        @Option(names = "--out", description = "Also write the report to this Markdown file.")
        Path out;

        @Override
        public Integer call() throws Exception {
            long[] t = period.millisOrExplain(System.currentTimeMillis());
            if (t == null) {
                return 2;
            }
            dev.pilotlight.common.control.CommandSigner signer = null;
            if (System.getenv(ControlKeyEnv.NAME) != null) {
                signer = ControlKeyEnv.signer("experiment states");
                if (signer == null) {
                    return 2;
                }
            }
            ExperimentStateReader.States read = new ExperimentStateReader(period.bootstrap, signer).read(period.route, t[0], t[1]);
            String md = ExperimentReport.markdown(period.route, read.states());
            System.out.print(md);
            if (!read.verified()) {
                System.out.println("(signatures not checked: set " + ControlKeyEnv.NAME + " to the guard's control key to show only signed states)");
            }
            if (read.refused() > 0) {
                System.out.println("(" + read.refused() + " records of guard.experiments refused: unreadable or not signed with the control key)");
            }
            if (out != null) {
                java.nio.file.Files.writeString(out, md);
                System.err.println("written to " + out);
            }
            return read.states().isEmpty() ? 1 : 0;
        }
    }
}
