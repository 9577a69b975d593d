package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A record that could not be processed, kept with the reason instead of being dropped. */
public record DeadLetter(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String sourceTopic,
        int partition,
        long offset,
        String key,
        @JsonProperty(required = true) String reason,
        String payload,
        @JsonProperty(required = true) long failedAt) {

    /** Payloads are kept up to this size so one huge poison record cannot clog the DLQ. */
    public static final int MAX_PAYLOAD_CHARS = 64 * 1024;

    public static DeadLetter of(String topic, int partition, long offset, String key, String reason, String payload, long failedAt) {
        String kept = payload != null && payload.length() > MAX_PAYLOAD_CHARS ? payload.substring(0, MAX_PAYLOAD_CHARS) : payload;
        return new DeadLetter(SchemaVersion.CURRENT, topic, partition, offset, key, reason, kept, failedAt);
    }
}
