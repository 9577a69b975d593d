package dev.pilotlight.gateway.prompt;

/** A use case served by the gateway: which prompt it uses, which model, and its first production version. */
public record Route(String name, String promptId, String model, Semver initialProduction) {}
