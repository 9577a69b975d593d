package dev.pilotlight.common.event;

public enum InvocationStatus {
    OK, ERROR, TIMEOUT, RATE_LIMITED, QUOTA_EXCEEDED, BLOCKED_INPUT, BLOCKED_OUTPUT;

    /** Whether the call counts as a failure of the model path (what an error-rate rule counts). */
    public boolean isFailure() {
        return this == ERROR || this == TIMEOUT;
    }
}
