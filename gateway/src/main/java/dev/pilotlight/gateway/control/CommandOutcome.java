package dev.pilotlight.gateway.control;

/** What the gateway did with one command from guard.control. */
public enum CommandOutcome {
    APPLIED,
    /** Valid, but already in effect (e.g. the version was already rolled back by another command). */
    NO_OP,
    DUPLICATE,
    REJECTED_SIGNATURE,
    REJECTED_EXPIRED,
    REJECTED_MALFORMED,
    REJECTED_INVALID,
    /** Expired when read during the start-up replay: old news, not an attack. */
    SKIPPED_STALE;

    public boolean isSecurityEvent() {
        return this == REJECTED_SIGNATURE || this == REJECTED_EXPIRED;
    }
}
