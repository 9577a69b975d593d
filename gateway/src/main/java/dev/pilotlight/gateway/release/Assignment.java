package dev.pilotlight.gateway.release;

/** The version one request is served with, and whether it is the production or the candidate arm. */
public record Assignment(String promptId, String version, String variant, String experimentId) {
    public static final String PRODUCTION = "production";
    public static final String CANDIDATE = "candidate";
}
