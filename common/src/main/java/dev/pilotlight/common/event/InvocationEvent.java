package dev.pilotlight.common.event;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One model invocation through the gateway (docs/contract.md, "Events"). Raw PII never appears here. */
public record InvocationEvent(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String eventId,
        /** When the call ended and the event was sent (epoch ms); it began {@code latencyMs} earlier. */
        @JsonProperty(required = true) long timestamp,
        @JsonProperty(required = true) String gatewayId,
        String tenant,
        String userId,
        @JsonProperty(required = true) String route,
        String promptId,
        @JsonProperty(required = true) String promptVersion,
        String experimentId,
        String variant,
        String provider,
        String model,
        String modelTier,
        boolean fallbackUsed,
        boolean cacheHit,
        @JsonProperty(required = true) InvocationStatus status,
        String errorType,
        long latencyMs,
        long upstreamLatencyMs,
        long inputTokens,
        long outputTokens,
        double costUsd,
        long inputChars,
        String queryClass,
        int piiRedactions,
        double injectionScore,
        long outputChars,
        boolean refusal,
        List<String> citations,
        List<String> outputFlags,
        String inputText,
        String outputText,
        /** Why the model stopped (stop, length, content_filter, tool_calls, …); null when no model answered. */
        String finishReason,
        /** ISO 639-1 code of the (redacted) input's language, when the gateway sampled it for drift; null otherwise. */
        String language,
        /** Nearest topic of the route's topic catalog to the redacted input ("other" when none is near); null when not sampled. */
        String inputTopic,
        /** The same for the answer. */
        String outputTopic,
        /** Tools (or legacy functions) the caller offered the model. */
        int toolsOffered,
        /** Tool calls in the answer (the first choice's). */
        int toolCalls,
        /** The caller's {@code response_format.type} (json_object, json_schema, text); null when none was set. */
        String responseFormat,
        /** {@code chat} (null in events written before it existed) or {@code embeddings}. */
        String operation,
        /**
         * A hash of the caller's own messages, normalised (case and spacing folded), so that a client sending
         * one request again and again is seen (docs/cost.md, "Runaway loops"); null for embeddings.
         */
        String requestHash,
        /** Why the call was served by a cheaper model than asked ({@code quota}: the caller is over a quota); null otherwise. */
        String degraded) {

    public static final String CHAT = "chat";
    public static final String EMBEDDINGS = "embeddings";

    /** Whether this was a chat call (embeddings have no answer text, topics or feedback). */
    public boolean chatOperation() {
        return operation == null || CHAT.equals(operation);
    }

    /** The same event without its (redacted) input and output text. */
    public InvocationEvent withoutTexts() {
        return new InvocationEvent(schemaVersion, eventId, timestamp, gatewayId, tenant, userId, route, promptId, promptVersion,
                experimentId, variant, provider, model, modelTier, fallbackUsed, cacheHit, status, errorType, latencyMs,
                upstreamLatencyMs, inputTokens, outputTokens, costUsd, inputChars, queryClass, piiRedactions, injectionScore,
                outputChars, refusal, citations, outputFlags, null, null, finishReason, language, inputTopic, outputTopic,
                toolsOffered, toolCalls, responseFormat, operation, requestHash, degraded);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the defaults of a fresh call; the gateway and tests fill what they know. */
    public static final class Builder {
        private String eventId;
        private long timestamp;
        private String gatewayId;
        private String tenant;
        private String userId;
        private String route;
        private String promptId;
        private String promptVersion;
        private String experimentId;
        private String variant;
        private String provider;
        private String model;
        private String modelTier;
        private boolean fallbackUsed;
        private boolean cacheHit;
        private InvocationStatus status = InvocationStatus.OK;
        private String errorType;
        private long latencyMs;
        private long upstreamLatencyMs;
        private long inputTokens;
        private long outputTokens;
        private double costUsd;
        private long inputChars;
        private String queryClass;
        private int piiRedactions;
        private double injectionScore;
        private long outputChars;
        private boolean refusal;
        private List<String> citations = List.of();
        private List<String> outputFlags = List.of();
        private String inputText;
        private String outputText;
        private String finishReason;
        private String language;
        private String inputTopic;
        private String outputTopic;
        private int toolsOffered;
        private int toolCalls;
        private String responseFormat;
        private String operation = CHAT;
        private String requestHash;
        private String degraded;

        public Builder eventId(String v) { eventId = v; return this; }
        public Builder timestamp(long v) { timestamp = v; return this; }
        public Builder gatewayId(String v) { gatewayId = v; return this; }
        public Builder tenant(String v) { tenant = v; return this; }
        public Builder userId(String v) { userId = v; return this; }
        public Builder route(String v) { route = v; return this; }
        public Builder promptId(String v) { promptId = v; return this; }
        public Builder promptVersion(String v) { promptVersion = v; return this; }
        public Builder experimentId(String v) { experimentId = v; return this; }
        public Builder variant(String v) { variant = v; return this; }
        public Builder provider(String v) { provider = v; return this; }
        public Builder model(String v) { model = v; return this; }
        public Builder modelTier(String v) { modelTier = v; return this; }
        public Builder fallbackUsed(boolean v) { fallbackUsed = v; return this; }
        public Builder cacheHit(boolean v) { cacheHit = v; return this; }
        public Builder status(InvocationStatus v) { status = v; return this; }
        public Builder errorType(String v) { errorType = v; return this; }
        public Builder latencyMs(long v) { latencyMs = v; return this; }
        public Builder upstreamLatencyMs(long v) { upstreamLatencyMs = v; return this; }
        public Builder inputTokens(long v) { inputTokens = v; return this; }
        public Builder outputTokens(long v) { outputTokens = v; return this; }
        public Builder costUsd(double v) { costUsd = v; return this; }
        public Builder inputChars(long v) { inputChars = v; return this; }
        public Builder queryClass(String v) { queryClass = v; return this; }
        public Builder piiRedactions(int v) { piiRedactions = v; return this; }
        public Builder injectionScore(double v) { injectionScore = v; return this; }
        public Builder outputChars(long v) { outputChars = v; return this; }
        public Builder refusal(boolean v) { refusal = v; return this; }
        public Builder citations(List<String> v) { citations = v; return this; }
        public Builder outputFlags(List<String> v) { outputFlags = v; return this; }
        public Builder inputText(String v) { inputText = v; return this; }
        public Builder outputText(String v) { outputText = v; return this; }
        public Builder finishReason(String v) { finishReason = v; return this; }
        public Builder language(String v) { language = v; return this; }
        public Builder inputTopic(String v) { inputTopic = v; return this; }
        public Builder outputTopic(String v) { outputTopic = v; return this; }
        public Builder toolsOffered(int v) { toolsOffered = v; return this; }
        public Builder toolCalls(int v) { toolCalls = v; return this; }
        public Builder responseFormat(String v) { responseFormat = v; return this; }
        public Builder operation(String v) { operation = v; return this; }
        public Builder requestHash(String v) { requestHash = v; return this; }
        public Builder degraded(String v) { degraded = v; return this; }

        public InvocationEvent build() {
            return new InvocationEvent(SchemaVersion.CURRENT, eventId, timestamp, gatewayId, tenant, userId, route,
                    promptId, promptVersion, experimentId, variant, provider, model, modelTier, fallbackUsed,
                    cacheHit, status, errorType, latencyMs, upstreamLatencyMs, inputTokens, outputTokens, costUsd,
                    inputChars, queryClass, piiRedactions, injectionScore, outputChars, refusal, citations,
                    outputFlags, inputText, outputText, finishReason, language, inputTopic, outputTopic,
                    toolsOffered, toolCalls, responseFormat, operation, requestHash, degraded);
        }
    }
}
