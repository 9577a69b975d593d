package dev.pilotlight.jobs.alerting;

/** A rule's metric summed over every call of one release so far: key is the rule's input key for that release. */
public record ReleaseTotal(String key, double numerator, double denominator) {}
