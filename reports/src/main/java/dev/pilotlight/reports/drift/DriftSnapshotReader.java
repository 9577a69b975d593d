package dev.pilotlight.reports.drift;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.reports.TopicScan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a route's drift snapshots of a period from guard.drift: seeks to the period's start by the
 * broker's append time (a window is appended after it ends), reads to the end the topic has now, and
 * keeps the windows that started in the period. Records that do not decode are counted and skipped.
 */
public final class DriftSnapshotReader {
    private final String bootstrap;

    public DriftSnapshotReader(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** What was read: the snapshots in window order, and how many records could not be read. */
    public record Snapshots(List<DriftSnapshot> windows, int unreadable) {}

    public Snapshots read(String route, long from, long to) {
        List<DriftSnapshot> out = new ArrayList<>();
        int[] unreadable = {0};
        TopicScan.read(bootstrap, Topics.DRIFT, from, r -> {
            if (!route.equals(r.key())) {
                return;
            }
            try {
                DriftSnapshot s = JsonCodec.decode(r.value(), DriftSnapshot.class);
                if (route.equals(s.route()) && s.windowStart() >= from && s.windowStart() < to) {
                    out.add(s);
                }
            } catch (DecodeException e) {
                unreadable[0]++;
            }
        });
        out.sort(Comparator.comparingLong(DriftSnapshot::windowStart).thenComparing(DriftSnapshot::promptVersion));
        return new Snapshots(List.copyOf(out), unreadable[0]);
    }
}
