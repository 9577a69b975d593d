package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.InvocationStatus;
import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * An OpenAI-format provider's failure, classified as langchain4j's exception types are for the
 * other path (ProviderFailure.classify): 429 and 5xx are the provider's and retried; 400-class
 * answers are the request's fault and carry the provider's own message to the caller.
 */
final class UpstreamStatus {
    /** Longest part of a provider's error message passed on. */
    private static final int MAX_MESSAGE = 300;

    private UpstreamStatus() {}

    static ProviderFailure failure(int status, String body) {
        String message = message(body);
        if (status == 429) {
            return new ProviderFailure(InvocationStatus.ERROR, "upstream_rate_limited", "upstream rate limited the call", true, true, null);
        }
        if (status == 408 || status >= 500) {
            return new ProviderFailure(InvocationStatus.ERROR, "upstream_unavailable", "upstream call failed (" + status + ")", true, true, null);
        }
        if (status == 401 || status == 403) {
            return new ProviderFailure(InvocationStatus.ERROR, "upstream_auth", "the provider refused the gateway's key (" + status + ")",
                    false, true, null);
        }
        return new ProviderFailure(InvocationStatus.ERROR, "upstream_invalid_request",
                "upstream refused the request" + (message == null ? "" : ": " + message), false, false, null);
    }

    static ProviderFailure ioFailure(IOException e) {
        if (e instanceof SocketTimeoutException) { // the connection's idle watchdog (provider/netty/Exchange)
            return new ProviderFailure(InvocationStatus.TIMEOUT, "timeout", "upstream timed out", true, true, e);
        }
        return new ProviderFailure(InvocationStatus.ERROR, "upstream_unavailable", "upstream call failed", true, true, e);
    }

    static ProviderFailure malformed() {
        return new ProviderFailure(InvocationStatus.ERROR, "upstream_malformed", "upstream answered something that is not OpenAI JSON",
                false, true, null);
    }

    /** {@code error.message} of an OpenAI-style error body, shortened; null when there is none. */
    private static String message(String body) {
        try {
            JsonNode m = JsonCodec.mapper().readTree(body).path("error").path("message");
            if (m.isTextual()) {
                String s = m.asText().replaceAll("\\p{Cntrl}", " ");
                return s.length() > MAX_MESSAGE ? s.substring(0, MAX_MESSAGE) + "…" : s;
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: no message to pass on
        }
        return null;
    }
}
