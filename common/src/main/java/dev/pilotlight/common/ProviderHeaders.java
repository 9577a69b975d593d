package dev.pilotlight.common;

/** HTTP headers the gateway adds to provider calls (part of the contract, docs/architecture.md). */
public final class ProviderHeaders {
    /** The prompt version a call serves; the simulated upstream injects faults per version by it. */
    public static final String PROMPT_VERSION = "X-Pilotlight-Prompt-Version";

    private ProviderHeaders() {}
}
