package dev.pilotlight.jobs.drift;

import java.util.HashMap;
import java.util.Map;

/** The last windows of one release, by window start: the trailing reference, and another release's previous-release reference. */
public class TrailingWindows {
    public Map<Long, DriftHistograms> byStart = new HashMap<>();

    public TrailingWindows() {}

    /** Forgets windows that started before {@code start}. */
    public void dropBefore(long start) {
        byStart.keySet().removeIf(s -> s < start);
    }

    public void add(long windowStart, DriftHistograms h) {
        byStart.put(windowStart, h);
    }

    public long latestStart() {
        return byStart.keySet().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE);
    }

    public DriftHistograms merged(int maxCategories) {
        DriftHistograms m = new DriftHistograms();
        byStart.values().forEach(h -> m.merge(h, maxCategories));
        return m;
    }

    public int size() {
        return byStart.size();
    }
}
