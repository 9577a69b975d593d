package dev.pilotlight.common.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A rule set published to the compacted guard.rules topic ({@code ./pilotlight rules publish}): the
 * rule files' texts by file name, so the job validates and reads them exactly as it reads files.
 * The newest by {@code publishedAt} wins, including over the files the job was started with.
 */
public record RuleSetUpdate(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String version,
        @JsonProperty(required = true) Map<String, String> files,
        @JsonProperty(required = true) long publishedAt,
        String publishedBy) {

    /** The key of the single record of guard.rules. */
    public static final String KEY = "rules";

    public RuleSet parse() {
        return RuleSetLoader.parse(files);
    }
}
