package dev.pilotlight.common.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * A rule set published to the compacted guard.rules topic ({@code ./pilotlight rules publish}): the
 * rule files' texts by file name, so the job validates and reads them exactly as it reads files.
 * The newest by {@code publishedAt} wins, including over the files the job was started with. Signed
 * with the control key: rules decide rollbacks and blocks, so an unsigned set is refused.
 */
public record RuleSetUpdate(
        @JsonProperty(required = true) int schemaVersion,
        @JsonProperty(required = true) String version,
        @JsonProperty(required = true) Map<String, String> files,
        @JsonProperty(required = true) long publishedAt,
        String publishedBy,
        /** HMAC-SHA256 of the update without this field. */
        String signature) {

    /** The key of the single record of guard.rules. */
    public static final String KEY = "rules";

    /** An unsigned update (signed when published). */
    public RuleSetUpdate(int schemaVersion, String version, Map<String, String> files, long publishedAt, String publishedBy) {
        this(schemaVersion, version, files, publishedAt, publishedBy, null);
    }

    public RuleSetUpdate withSignature(String sig) {
        return new RuleSetUpdate(schemaVersion, version, files, publishedAt, publishedBy, sig);
    }

    public RuleSet parse() {
        return RuleSetLoader.parse(files);
    }
}
