package dev.pilotlight.common.rules;

import dev.pilotlight.common.control.CommandType;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * The command a firing rule issues. Its target comes from the alert's group labels (userId for
 * user commands, route for route commands, promptId for a rollback).
 *
 * @param params fixed command params, e.g. {@code perMinute} of THROTTLE_USER or {@code model} of ROUTE_MODEL
 * @param lasts  how long the effect lasts (sent as {@code until}); null: until the command expires
 */
public record RuleAction(CommandType type, Map<String, String> params, Duration lasts) implements Serializable {

    /** The group label that names the command's target (a user command's {@code scope} param may widen it to a tenant or route). */
    public String targetLabel() {
        return switch (type) {
            case BLOCK_USER, UNBLOCK_USER, THROTTLE_USER, DEGRADE_USER -> switch (params == null ? "user" : params.getOrDefault("scope", "user")) {
                case "tenant" -> "tenant";
                case "route" -> "route";
                default -> "userId";
            };
            case ROUTE_MODEL, PAUSE_ROUTE -> "route";
            default -> "promptId";
        };
    }
}
