package dev.pilotlight.gateway.control;

import dev.pilotlight.common.control.CommandType;

/**
 * A command this replica applied, for heartbeats, the admin API and the audit trail.
 *
 * @param appliedAt when the command was in force on this replica (epoch ms): every call admitted later sees it
 */
public record AppliedCommand(String commandId, CommandType type, String target, String alertId, long issuedAt, long appliedAt, String result) {}
