package dev.pilotlight.local.cli;

import picocli.CommandLine.Option;

/** The options of a command about one route over a period of guard topics ({@code report drift}, {@code drift baseline}). */
final class RoutePeriod {
    @Option(names = "--route", required = true, description = "The route.")
    String route;

    @Option(names = "--from", defaultValue = "7d", description = "Start: an instant (2026-11-30T09:00:00Z) or a duration ago (default ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--to", defaultValue = "0s", description = "End, likewise (default: now).")
    String to;

    @Option(names = "--bootstrap", defaultValue = "${env:PILOTLIGHT_KAFKA:-127.0.0.1:9092}", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
    String bootstrap;

    /** Start and end in epoch ms, or null after telling the operator which option is wrong. */
    long[] millisOrExplain(long now) {
        try {
            return millis(now);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return null;
        }
    }

    /** Start and end in epoch ms; @throws IllegalArgumentException naming the option when a time cannot be read or the period is empty */
    long[] millis(long now) {
        long start = TimeArg.parse("--from", from, now);
        long end = TimeArg.parse("--to", to, now);
        if (end <= start) {
            throw new IllegalArgumentException("--to must be after --from");
        }
        return new long[] {start, end};
    }
}
