package dev.pilotlight.jobs.usage;

/** A roster member's first call, last active day and first-month uses on the roster's route. */
public record RosterUser(long firstCall, long lastDay, int uses) {}
