package dev.pilotlight.jobs.influx;

/** One record of a monitored topic, undecoded, so that a malformed one can go to guard.dlq as it came. */
public record TopicRecord(String topic, int partition, long offset, String key, String value) {

    /** A record made in a test or by hand, without a Kafka position. */
    public static TopicRecord of(String topic, String value) {
        return new TopicRecord(topic, -1, -1, null, value);
    }
}
