package dev.pilotlight.gateway.invoke;

import dev.pilotlight.gateway.provider.ChatResult;
import dev.pilotlight.gateway.release.Assignment;

/** A served call: what was used to answer it and the answer. */
public record Invocation(String eventId, String route, String model, Assignment assignment, ChatResult result, long latencyMs, double costUsd) {}
