package dev.pilotlight.jobs.influx;

import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;

/**
 * Decides whether a user id may become a tag: only the N users seen most often (a frequent-items
 * sketch, so memory stays fixed however many users there are); everyone else is tagged
 * {@value #OTHER}. Keeps InfluxDB's series cardinality bounded while the noisiest users stay
 * visible on the security dashboard. The full id is always kept as a field.
 */
final class TopUsers {
    static final String OTHER = "other";

    private final int n;
    private final ItemsSketch<String> sketch;

    TopUsers(int n) {
        this.n = n;
        // the map must be a power of two and comfortably larger than n for the estimates to rank well
        this.sketch = new ItemsSketch<>(Math.max(8, Integer.highestOneBit(Math.max(1, n) * 8 - 1) << 1));
    }

    /** Counts one occurrence of {@code userId} and returns the tag value to write for it. */
    String tagFor(String userId) {
        if (n == 0 || userId == null || userId.isEmpty()) {
            return OTHER;
        }
        sketch.update(userId);
        if (sketch.getNumActiveItems() <= n) {
            return userId; // everyone fits
        }
        ItemsSketch.Row<String>[] rows = sketch.getFrequentItems(ErrorType.NO_FALSE_POSITIVES); // by count, highest first
        for (int i = 0; i < Math.min(n, rows.length); i++) {
            if (rows[i].getItem().equals(userId)) {
                return userId;
            }
        }
        return OTHER;
    }
}
