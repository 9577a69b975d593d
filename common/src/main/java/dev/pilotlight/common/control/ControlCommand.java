package dev.pilotlight.common.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** A decision sent to every gateway replica on guard.control; signed (see {@link CommandSigner}). */
public record ControlCommand(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String commandId,
        @JsonProperty(required = true) long issuedAt,
        @JsonProperty(required = true) CommandType type,
        @JsonProperty(required = true) String target,
        Map<String, String> params,
        String reason,
        String alertId,
        String issuer,
        @JsonProperty(required = true) long expiresAt,
        String signature) {

    public ControlCommand withSignature(String sig) {
        return new ControlCommand(schemaVersion, commandId, issuedAt, type, target, params, reason, alertId, issuer, expiresAt, sig);
    }

    public String param(String name) {
        return params == null ? null : params.get(name);
    }
}
