package dev.pilotlight.jobs.influx;

import java.io.Serializable;

/** Where points go. The token comes from the environment of the submitting process and is never printed. */
public record InfluxTarget(String url, String org, String bucket, String token) implements Serializable {

    @Override
    public String toString() {
        return "InfluxTarget[url=" + url + ", org=" + org + ", bucket=" + bucket + ", token=<hidden>]";
    }
}
