package dev.pilotlight.gateway.provider;

import dev.pilotlight.common.event.InvocationStatus;

/** A failed upstream call, classified for the event and for the client's error. */
public class ProviderFailure extends RuntimeException {
    private final InvocationStatus status;
    private final String errorType;
    private final long upstreamLatencyMs;

    public ProviderFailure(InvocationStatus status, String errorType, String message, long upstreamLatencyMs, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorType = errorType;
        this.upstreamLatencyMs = upstreamLatencyMs;
    }

    public InvocationStatus status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    public long upstreamLatencyMs() {
        return upstreamLatencyMs;
    }
}
