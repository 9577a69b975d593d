package dev.pilotlight.gateway.prompt;

/** One released text of a prompt: a file {@code prompts/<promptId>/<version>.yaml}. */
public record PromptVersion(String promptId, Semver version, String changelog, String system, String template) {

    /** Renders the user message; the input stays in its own message and never enters the system prompt. */
    public String userMessage(String input) {
        return template == null || template.isBlank() ? input : template.replace("{{input}}", input);
    }
}
