package dev.pilotlight.jobs.release;

/** A firing alert of one rule on one key: its id and when it started. A Flink POJO. */
public class Episode {
    public String alertId;
    public long startsAt;
    public String commandId;

    public Episode() {}

    public Episode(String alertId, long startsAt, String commandId) {
        this.alertId = alertId;
        this.startsAt = startsAt;
        this.commandId = commandId;
    }
}
