package dev.pilotlight.local.cli;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.event.DriftBaseline;
import dev.pilotlight.reports.drift.BaselineCapture;
import dev.pilotlight.reports.drift.BaselinePublisher;
import dev.pilotlight.reports.drift.DriftSnapshotReader;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./pilotlight drift baseline --route R --from 14d --to 7d}: pins a route's drift reference (docs/drift.md, "Baselines"). */
@Command(name = "drift", description = "Drift references.", subcommands = {DriftCommand.Baseline.class})
final class DriftCommand {

    @Command(name = "baseline", description = {"Pin a route's drift baseline: the histograms of a period (e.g. the pilot) read from",
            "guard.drift, signed and written to guard.drift-baselines; the running job compares every later window with it."})
    static final class Baseline implements Callable<Integer> {
        @Mixin
        RoutePeriod period;

        @Option(names = "--versions", split = ",", description = "Prompt versions to include (default: every version seen in the period).")
        List<String> versions;

        @Option(names = "--clear", description = "Remove the route's baseline instead (later windows compare with trailing windows only).")
        boolean clear;

        @Option(names = "--by", defaultValue = "${sys:user.name}", description = "Who pins it, recorded with the baseline (default: ${DEFAULT-VALUE}).")
        String by;

        @Override
        public Integer call() throws Exception {
            CommandSigner signer = ControlKeyEnv.signer("baselines");
            if (signer == null) {
                return 2;
            }
            long now = System.currentTimeMillis();
            DriftBaseline b;
            try {
                if (clear) {
                    b = BaselineCapture.clearing(period.route, by, now);
                } else {
                    long[] t = period.millis(now);
                    DriftSnapshotReader.Snapshots read = new DriftSnapshotReader(period.bootstrap).read(period.route, t[0], t[1]);
                    b = BaselineCapture.of(period.route, t[0], t[1], versions == null ? Set.of() : Set.copyOf(versions), read.windows(), by, now);
                    System.out.println("read " + read.windows().size() + " windows" + (read.unreadable() > 0 ? " (" + read.unreadable()
                            + " unreadable records skipped)" : ""));
                }
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 1;
            }
            new BaselinePublisher(period.bootstrap, signer).publish(b);
            System.out.println((clear ? "cleared the baseline of " + period.route : "pinned " + b.label() + " as the baseline of " + period.route + ": "
                    + b.counts().size() + " features") + " on " + Topics.DRIFT_BASELINES);
            return 0;
        }
    }
}
