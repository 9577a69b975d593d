package dev.pilotlight.gateway.provider;

import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import dev.pilotlight.common.event.InvocationStatus;
import java.net.http.HttpTimeoutException;

/** A failed upstream call, classified for retries, the breaker, the event and the client's error. */
public class ProviderFailure extends RuntimeException {
    private final InvocationStatus status;
    private final String errorType;
    private final boolean retryable;
    private final boolean providerFault;

    public ProviderFailure(InvocationStatus status, String errorType, String message, boolean retryable, boolean providerFault, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorType = errorType;
        this.retryable = retryable;
        this.providerFault = providerFault;
    }

    /** Maps what langchain4j throws (it maps HTTP statuses to exception types) to our classification. */
    public static ProviderFailure classify(Throwable e) {
        if (e instanceof ProviderFailure pf) {
            return pf;
        }
        if (e instanceof TimeoutException || hasCause(e, HttpTimeoutException.class)) {
            return new ProviderFailure(InvocationStatus.TIMEOUT, "timeout", "upstream timed out", true, true, e);
        }
        if (e instanceof RateLimitException) {
            return new ProviderFailure(InvocationStatus.ERROR, "upstream_rate_limited", "upstream rate limited the call", true, true, e);
        }
        if (e instanceof InvalidRequestException) {
            // the request's fault, not the provider's: no retry, and the breaker does not count it
            return new ProviderFailure(InvocationStatus.ERROR, "upstream_invalid_request", "upstream refused the request", false, false, e);
        }
        if (e instanceof RetriableException || hasCause(e, java.io.IOException.class)) {
            return new ProviderFailure(InvocationStatus.ERROR, "upstream_unavailable", "upstream call failed", true, true, e);
        }
        return new ProviderFailure(InvocationStatus.ERROR, e.getClass().getSimpleName(), "upstream call failed", false, true, e);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    public InvocationStatus status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    public boolean retryable() {
        return retryable;
    }

    /** Whether it says something about the provider's health (counted by its circuit breaker). */
    public boolean providerFault() {
        return providerFault;
    }
}
