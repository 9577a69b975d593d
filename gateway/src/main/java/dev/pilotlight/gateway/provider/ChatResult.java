package dev.pilotlight.gateway.provider;

/** The answer of a provider with the usage it reported. */
public record ChatResult(String text, long inputTokens, long outputTokens, String finishReason, long upstreamLatencyMs) {}
