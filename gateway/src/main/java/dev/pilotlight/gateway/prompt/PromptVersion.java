package dev.pilotlight.gateway.prompt;

/**
 * One released text of a prompt: a file {@code prompts/<promptId>/<version>.yaml}. A version may pin
 * {@code model}, a model alias that serves it instead of the route's model, so a model upgrade is a
 * release like any other (a candidate, a split, a canary plan; docs/experiments.md).
 */
public record PromptVersion(String promptId, Semver version, String changelog, String system, String template, String model) {

    public PromptVersion(String promptId, Semver version, String changelog, String system, String template) {
        this(promptId, version, changelog, system, template, null);
    }

    /** Renders the user message; the input stays in its own message and never enters the system prompt. */
    public String userMessage(String input) {
        return template == null || template.isBlank() ? input : template.replace("{{input}}", input);
    }
}
