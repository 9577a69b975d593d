package dev.pilotlight.reports.drift;

import dev.pilotlight.common.event.DriftBaseline;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.common.event.SchemaVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A pinned baseline from the windows of a period: the current side of every window of the chosen
 * versions, added up (docs/drift.md, "Baselines"). Fewer windows than asked for is the caller's to judge;
 * no window at all is an error, not an empty baseline (which would clear the route's).
 */
public final class BaselineCapture {
    private BaselineCapture() {}

    /** @param versions the prompt versions to include; empty for all */
    public static DriftBaseline of(String route, long from, long to, Set<String> versions, List<DriftSnapshot> windows, String by, long now) {
        Map<String, Map<String, Long>> counts = new HashMap<>();
        Set<String> used = new TreeSet<>();
        for (DriftSnapshot s : windows) {
            if (!versions.isEmpty() && !versions.contains(s.promptVersion())) {
                continue;
            }
            used.add(s.promptVersion());
            s.current().forEach((f, bins) -> bins.forEach((b, n) -> counts.computeIfAbsent(f, k -> new HashMap<>()).merge(b, n, Long::sum)));
        }
        if (counts.isEmpty()) {
            throw new IllegalArgumentException("no drift window of route '" + route + "'" + (versions.isEmpty() ? "" : " and versions " + versions)
                    + " in that period: nothing to pin");
        }
        String label = "captured " + java.time.Instant.ofEpochMilli(from) + " to " + java.time.Instant.ofEpochMilli(to) + " (" + String.join(", ", used) + ")";
        return new DriftBaseline(SchemaVersion.CURRENT, route, label, from, to, List.copyOf(used), counts, now, by, null);
    }

    /** The record that clears a route's baseline. */
    public static DriftBaseline clearing(String route, String by, long now) {
        return new DriftBaseline(SchemaVersion.CURRENT, route, "cleared", 0, 0, List.of(), Map.of(), now, by, null);
    }
}
