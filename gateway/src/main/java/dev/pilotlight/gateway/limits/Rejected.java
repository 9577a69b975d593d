package dev.pilotlight.gateway.limits;

import dev.pilotlight.common.event.InvocationStatus;
import java.time.Duration;

/** A call refused before it reached a model, with what the client and the event are told. */
public final class Rejected extends RuntimeException {
    private final InvocationStatus status;
    private final int httpStatus;
    private final String code;
    private final Duration retryAfter;

    public Rejected(InvocationStatus status, int httpStatus, String code, String message, Duration retryAfter) {
        super(message);
        this.status = status;
        this.httpStatus = httpStatus;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public InvocationStatus status() {
        return status;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String code() {
        return code;
    }

    /** Null when retrying will not help by waiting. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
