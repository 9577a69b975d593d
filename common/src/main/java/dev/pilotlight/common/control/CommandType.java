package dev.pilotlight.common.control;

public enum CommandType {
    ROLLBACK_PROMPT, PROMOTE_VARIANT, SET_SPLIT, THROTTLE_USER, BLOCK_USER, UNBLOCK_USER, ROUTE_MODEL, PAUSE_ROUTE,
    /** Serve the target (a user, or every user of a tenant or route: param {@code scope}) from its route's cheap tier. */
    DEGRADE_USER
}
