package dev.pilotlight.testkit.upstream;

/**
 * How the simulated upstream behaves for one model or prompt version.
 *
 * @param errorRate share of calls answered with {@code errorStatus} (0..1)
 * @param errorStatus HTTP status of a failed call (500, 429, 503 ...)
 * @param latencyMedianMs median latency; the spread is log-normal with {@code latencySigma}
 * @param latencySigma 0 gives a fixed latency
 * @param outputTokens completion tokens reported in {@code usage}
 * @param answer fixed answer text, or null to echo the last user message
 * @param chunkDelayMs pause between the pieces of a streamed answer (a slow stream a client can abandon)
 */
public record FaultProfile(double errorRate, int errorStatus, long latencyMedianMs, double latencySigma, int outputTokens, String answer,
                           long chunkDelayMs) {

    public static final FaultProfile HEALTHY = new FaultProfile(0.0, 500, 20, 0.3, 120, null);

    public FaultProfile(double errorRate, int errorStatus, long latencyMedianMs, double latencySigma, int outputTokens) {
        this(errorRate, errorStatus, latencyMedianMs, latencySigma, outputTokens, null);
    }

    public FaultProfile(double errorRate, int errorStatus, long latencyMedianMs, double latencySigma, int outputTokens, String answer) {
        this(errorRate, errorStatus, latencyMedianMs, latencySigma, outputTokens, answer, 0);
    }

    public FaultProfile {
        if (errorRate < 0 || errorRate > 1) {
            throw new IllegalArgumentException("errorRate must be between 0 and 1, was " + errorRate);
        }
        if (errorStatus < 400 || errorStatus > 599) {
            throw new IllegalArgumentException("errorStatus must be an HTTP error status, was " + errorStatus);
        }
        if (latencyMedianMs < 0 || latencySigma < 0 || outputTokens < 0 || chunkDelayMs < 0) {
            throw new IllegalArgumentException("latency, sigma and tokens must not be negative");
        }
    }

    public FaultProfile withErrorRate(double rate) {
        return new FaultProfile(rate, errorStatus, latencyMedianMs, latencySigma, outputTokens, answer, chunkDelayMs);
    }

    public FaultProfile withAnswer(String text) {
        return new FaultProfile(errorRate, errorStatus, latencyMedianMs, latencySigma, outputTokens, text, chunkDelayMs);
    }

    public FaultProfile withOutputTokens(int tokens) {
        return new FaultProfile(errorRate, errorStatus, latencyMedianMs, latencySigma, tokens, answer, chunkDelayMs);
    }

    public FaultProfile withChunkDelay(long ms) {
        return new FaultProfile(errorRate, errorStatus, latencyMedianMs, latencySigma, outputTokens, answer, ms);
    }
}
