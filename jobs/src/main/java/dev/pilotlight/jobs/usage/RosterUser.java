package dev.pilotlight.jobs.usage;

/**
 * A roster member's first call, last active day (Long.MIN_VALUE before one is known) and the first-month uses they
 * reached on the roster's route, as far as the regular and power milestones tell (0, regular_uses or power_uses).
 */
public record RosterUser(long firstCall, long lastDay, int uses) {}
