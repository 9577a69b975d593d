package dev.pilotlight.common;

/** Topic names of the contract (docs/contract.md, "Topics"). */
public final class Topics {
    public static final String INVOCATIONS = "llm.invocations";
    public static final String FEEDBACK = "llm.feedback";
    public static final String HEARTBEATS = "llm.heartbeats";
    public static final String METRICS = "guard.metrics";
    public static final String ALERTS = "guard.alerts";
    public static final String CONTROL = "guard.control";
    public static final String RELEASES = "guard.releases";
    public static final String DLQ = "guard.dlq";
    public static final String RULES = "guard.rules";
    /** Drift snapshots: both sides' histograms of every release window (docs/drift.md). */
    public static final String DRIFT = "guard.drift";
    /** Pinned drift baselines, one per route, signed (docs/drift.md, "Baselines"). */
    public static final String DRIFT_BASELINES = "guard.drift-baselines";
    /** Release experiments: each prompt's current experiment, its arms' figures and its decision (docs/experiments.md). */
    public static final String EXPERIMENTS = "guard.experiments";
    /** Each route's go/no-go scorecard (docs/usage.md), compacted, key = route. */
    public static final String SCORECARDS = "guard.scorecards";
    /** Thumbs-down answers flagged for review, and their closing (docs/usage.md), compacted, key = item id. */
    public static final String REVIEWS = "guard.reviews";

    /** A topic of the contract with the settings it is created with. */
    public record TopicSpec(String name, int partitions, java.util.Map<String, String> configs) {}

    private static final String SEVEN_DAYS_MS = String.valueOf(7L * 24 * 3600 * 1000);
    private static final String THIRTY_DAYS_MS = String.valueOf(30L * 24 * 3600 * 1000);
    private static final String FIVE_WEEKS_MS = String.valueOf(35L * 24 * 3600 * 1000);

    /**
     * Every topic with partitions and retention (docs/contract.md). Every topic is stamped with the broker's
     * append time: event topics so the guard can bound each record's own event time by it (one writer
     * with a wrong clock cannot move event time), output topics so that a record stamped with an old
     * event time is not deleted the moment it is written.
     */
    public static final java.util.List<TopicSpec> SPECS = java.util.List.of(
            new TopicSpec(INVOCATIONS, 6, java.util.Map.of("retention.ms", SEVEN_DAYS_MS, "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(FEEDBACK, 3, java.util.Map.of("retention.ms", SEVEN_DAYS_MS, "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(HEARTBEATS, 1, java.util.Map.of("retention.ms", SEVEN_DAYS_MS, "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(METRICS, 3, java.util.Map.of("retention.ms", SEVEN_DAYS_MS, "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(ALERTS, 1, java.util.Map.of("retention.ms", THIRTY_DAYS_MS, "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(CONTROL, 1, java.util.Map.of("retention.ms", THIRTY_DAYS_MS, "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(RELEASES, 1, java.util.Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(DLQ, 1, java.util.Map.of("retention.ms", THIRTY_DAYS_MS, "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(RULES, 1, java.util.Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime")),
            // a month of windows for the weekly report and baselines captured from a pilot period
            new TopicSpec(DRIFT, 1, java.util.Map.of("retention.ms", FIVE_WEEKS_MS, "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(DRIFT_BASELINES, 1, java.util.Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(EXPERIMENTS, 1, java.util.Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(SCORECARDS, 1, java.util.Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime")),
            new TopicSpec(REVIEWS, 1, java.util.Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime")));

    /**
     * Event topics the guard application reads from its group's offsets. From guard.dlq it keeps
     * only the gateways' rejected commands (a security event) and skips its own dead letters.
     */
    public static final java.util.List<String> GUARD_EVENTS = java.util.List.of(INVOCATIONS, FEEDBACK, HEARTBEATS, DLQ);

    /**
     * Compacted control topics the guard application reads with a source of their own, from the beginning
     * whenever it starts without state: release states, rule sets and drift baselines published at run time.
     */
    public static final java.util.List<String> GUARD_CONTROL_INPUTS = java.util.List.of(RELEASES, RULES, DRIFT_BASELINES);

    /** Every topic the guard application reads. */
    public static final java.util.List<String> GUARD_INPUTS = java.util.List.of(INVOCATIONS, FEEDBACK, HEARTBEATS, DLQ, RELEASES, RULES,
            DRIFT_BASELINES);

    private Topics() {}
}
