package dev.pilotlight.jobs.usage;

/** The first call of a day a user made on any route, under their tenant ({@link FollowUser#ANYWHERE}, counted by {@link CountActiveUsers}). */
public record ActiveAnywhere(String user, String tenant, long at) {}
