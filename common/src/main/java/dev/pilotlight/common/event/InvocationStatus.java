package dev.pilotlight.common.event;

public enum InvocationStatus {
    OK, ERROR, TIMEOUT, RATE_LIMITED, QUOTA_EXCEEDED, BLOCKED_INPUT, BLOCKED_OUTPUT,
    /** The caller went away before the answer was complete (an abandoned stream): says nothing about the model. */
    CANCELLED;

    /** Whether the call counts as a failure of the model path (what an error-rate rule counts). */
    public boolean isFailure() {
        return this == ERROR || this == TIMEOUT;
    }

    /** Whether a model answered or failed: the calls a release's error rate, latency and cost are judged on. */
    public boolean reachedModel() {
        return this == OK || this == ERROR || this == TIMEOUT || this == BLOCKED_OUTPUT;
    }
}
