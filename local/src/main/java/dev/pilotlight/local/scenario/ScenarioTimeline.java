package dev.pilotlight.local.scenario;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What happened during a scenario and when, printed in time order (ms since the scenario began). */
final class ScenarioTimeline {
    private record Moment(long at, String what) {}

    private final String scenario;
    private final long start;
    private final List<Moment> moments = new ArrayList<>();

    ScenarioTimeline(String scenario, long start) {
        this.scenario = scenario;
        this.start = start;
    }

    synchronized void note(long at, String what) {
        moments.add(new Moment(at, what));
    }

    synchronized void print(PrintStream out) {
        out.println("timeline of scenario " + scenario + " (ms since start):");
        moments.stream().sorted(Comparator.comparingLong(Moment::at)).forEach(m -> out.printf("  %+7d ms  %s%n", m.at() - start, m.what()));
    }
}
