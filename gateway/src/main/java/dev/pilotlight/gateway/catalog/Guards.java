package dev.pilotlight.gateway.catalog;

import java.util.List;

/**
 * The input and output guards of a route.
 *
 * @param redactPii replace personal data with placeholders before the provider sees it
 * @param restorePii put the original values back into the answer the caller gets
 * @param injection what to do with a likely prompt injection: {@code block}, {@code flag} or {@code off}
 * @param injectionThreshold score from which a message counts as an injection attempt
 * @param blockPiiInOutput refuse an answer that contains personal data the caller did not send
 * @param denyList phrases an answer must not contain (case-insensitive); such answers are refused
 * @param logText put the redacted input and output text into the event
 * @param outputSchema JSON Schema the answer must satisfy (routes that produce JSON), or null
 * @param citationPattern how the answer cites a source (group 1 is the source id), or null when not checked
 * @param enforceCitations withhold answers citing sources that were not given to the model (else flag)
 * @param callerSystem what to do with a caller's own system or developer messages on a route, whose released
 *                     system prompt leads: {@code refuse} (400), {@code demote} (sent as user messages) or {@code allow}
 */
public record Guards(boolean redactPii, boolean restorePii, String injection, double injectionThreshold,
                     boolean blockPiiInOutput, List<String> denyList, boolean logText,
                     com.networknt.schema.JsonSchema outputSchema, java.util.regex.Pattern citationPattern, boolean enforceCitations,
                     String callerSystem) {
    public static final Guards DEFAULT = new Guards(true, true, "block", 0.7, false, List.of(), false, null, null, false, "demote");
    /** Direct model calls: no released prompt, so the caller's system message is the application's own. */
    public static final Guards DIRECT = new Guards(true, true, "block", 0.7, false, List.of(), false, null, null, false, "allow");
}
