package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** Liveness of one gateway replica, every few seconds, with what it serves. */
public record Heartbeat(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String gatewayId,
        @JsonProperty(required = true) long timestamp,
        String version,
        int inFlight,
        long spoolDepth,
        long commandsApplied,
        long commandsRejected,
        /** promptId → version served to production traffic (candidate and split appended when set). */
        Map<String, String> releases) {}
