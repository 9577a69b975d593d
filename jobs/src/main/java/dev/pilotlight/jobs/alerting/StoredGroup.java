package dev.pilotlight.jobs.alerting;

import java.util.List;

/**
 * A key's group values kept in one text state value, so a timer can rebuild the alert's labels.
 * Joined with the unit separator, which no route, user or gateway id contains.
 */
final class StoredGroup {
    private static final String SEPARATOR = "\u001f";

    private StoredGroup() {}

    static String join(List<String> values) {
        return String.join(SEPARATOR, values);
    }

    /** The values again; none for a rule without group labels (the join of nothing is ""). */
    static List<String> split(String stored, int labels) {
        return labels == 0 ? List.of() : List.of(stored.split(SEPARATOR, -1));
    }
}
