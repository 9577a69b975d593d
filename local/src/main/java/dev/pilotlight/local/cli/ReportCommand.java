package dev.pilotlight.local.cli;

import dev.pilotlight.reports.drift.DriftReportData;
import dev.pilotlight.reports.experiment.ExperimentReport;
import dev.pilotlight.reports.experiment.ExperimentStateReader;
import dev.pilotlight.reports.drift.DriftReportWriter;
import dev.pilotlight.reports.drift.DriftSnapshotReader;
import dev.pilotlight.local.usage.UsageReports;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./pilotlight report drift --route R}: the weekly drift report as Markdown and self-contained HTML (docs/drift.md, "Reports"). */
@Command(name = "report", description = "Reports from the guard's topics.", subcommands = {ReportCommand.Drift.class, ReportCommand.Experiment.class,
        ReportCommand.Readiness.class, ReportCommand.Weekly.class})
final class ReportCommand {

    /** Where the usage reports read from and write to. */
    static final class UsageReportOptions {
        @Option(names = "--bootstrap", defaultValue = "${env:PILOTLIGHT_KAFKA:-127.0.0.1:9092}", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrap;

        @Option(names = "--out", defaultValue = "pilotlight-reports", description = "Directory for the Markdown, the HTML and the charts (default ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--catalog", defaultValue = "config/catalog.local.yaml", description = "The gateway's catalog, for the model card (default ${DEFAULT-VALUE}).")
        Path catalog;

        @Option(names = "--prompts", defaultValue = "examples/prompts", description = "The prompt files, for the model card (default ${DEFAULT-VALUE}).")
        Path prompts;

        /** Writes one report and says where, or why not: 0 written, 1 nothing to report, 2 a bad control key. */
        int write(String what, ReportOf report, String missing) throws Exception {
            UsageReports reports = reports();
            return reports == null ? 2 : written(what, report.write(reports, out), missing);
        }

        /** The reports, reading only signed scorecards when the control key is in the environment; null after saying why not. */
        UsageReports reports() {
            dev.pilotlight.common.control.CommandSigner signer = null;
            if (System.getenv(ControlKeyEnv.NAME) != null) {
                signer = ControlKeyEnv.signer("scorecards");
                if (signer == null) {
                    return null;
                }
            } else {
                System.err.println("(signatures not checked: set " + ControlKeyEnv.NAME + " to the guard's control key to report only signed scorecards)");
            }
            return new UsageReports(bootstrap, catalog, prompts, signer);
        }
    }

    /** One of the usage reports, written to a directory. */
    interface ReportOf {
        java.util.Optional<dev.pilotlight.reports.ReportPage.Written> write(UsageReports reports, Path out) throws Exception;
    }

    static int written(String what, java.util.Optional<dev.pilotlight.reports.ReportPage.Written> w, String missing) {
        if (w.isEmpty()) {
            System.err.println(missing);
            return 1;
        }
        System.out.println(what + ":");
        System.out.println("  " + w.get().markdown());
        System.out.println("  " + w.get().html());
        return 0;
    }

    @Command(name = "readiness", description = "A route's Production Readiness Report: executive summary, metrics against targets, adoption, "
            + "feedback themes, security incidents, ROI, the go/no-go recommendation and a model card (docs/usage.md).")
    static final class Readiness implements Callable<Integer> {
        @Option(names = "--route", required = true, description = "The route.")
        String route;

        @Mixin
        UsageReportOptions options;

        @Override
        public Integer call() throws Exception {
            return options.write("readiness report of " + route, (reports, out) -> reports.readiness(route, out), "no scorecard of route '"
                    + route + "' on guard.scorecards: is the guard job running with the usage module, and has the route had calls?");
        }
    }

    @Command(name = "weekly", description = "The weekly report of every route: adoption funnel progress, feature usage, the top 10 "
            + "thumbs-down items, cost analysis and projection (docs/usage.md).")
    static final class Weekly implements Callable<Integer> {
        @Mixin
        UsageReportOptions options;

        @Override
        public Integer call() throws Exception {
            return options.write("weekly report", UsageReports::weekly, "no scorecard on guard.scorecards: is the guard job running with the "
                    + "usage module?");
        }
    }

    @Command(name = "drift", description = "A route's drift over a period: histograms against the reference, PSI over time, release changes.")
    static final class Drift implements Callable<Integer> {
        @Mixin
        RoutePeriod period;

        @Option(names = "--out", defaultValue = "pilotlight-reports", description = "Directory for drift-<route>.md, .html and the charts (default ${DEFAULT-VALUE}).")
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
