package dev.pilotlight.common.event;

/** A release change of a route as drift records name it: when, and what in words ("claims 1.3.0 to production (was 1.2.0)"). */
public record ReleaseChange(long at, String what) {}
