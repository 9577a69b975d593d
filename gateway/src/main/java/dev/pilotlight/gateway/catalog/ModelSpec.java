package dev.pilotlight.gateway.catalog;

/**
 * A model alias as clients and routes name it, and what it maps to.
 *
 * @param maxOutputTokens the most tokens the model can write in one answer: what a spend reservation
 *                        assumes, whatever max_tokens the caller asked for (a provider may ignore it)
 */
public record ModelSpec(String alias, String provider, String name, String tier, Price price, int maxOutputTokens) {
    public static final int DEFAULT_MAX_OUTPUT_TOKENS = 4096;
}
