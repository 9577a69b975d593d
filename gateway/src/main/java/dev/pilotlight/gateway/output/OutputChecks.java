package dev.pilotlight.gateway.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.catalog.Guards;
import dev.pilotlight.gateway.pii.Redaction;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * What the output guards find in a model's answer (before personal data is restored):
 * personal data the caller did not send, deny-listed phrases, JSON that does not match the
 * route's schema, and citations of sources that were not given to the model. Each finding is a
 * flag on the event; the route's guards decide which ones withhold the answer.
 */
public final class OutputChecks {
    /** Flags found, the citations seen, and the reason to withhold the answer (null to deliver it). */
    public record Verdict(List<String> flags, List<String> citations, String withholdBecause) {}

    private OutputChecks() {}

    /** Every choice of an answer checked: flags merged, citations of the first, the first reason to withhold. */
    public static Verdict checkAll(List<String> texts, Redaction redaction, Guards guards, Set<String> allowedSources) {
        if (texts.size() == 1) {
            return check(texts.get(0), redaction, guards, guards.outputSchema(), allowedSources);
        }
        Set<String> flags = new LinkedHashSet<>();
        List<String> citations = null;
        String withhold = null;
        for (String t : texts) {
            Verdict v = check(t, redaction, guards, guards.outputSchema(), allowedSources);
            flags.addAll(v.flags());
            citations = citations == null ? v.citations() : citations;
            withhold = withhold == null ? v.withholdBecause() : withhold;
        }
        return new Verdict(new ArrayList<>(flags), citations == null ? List.of() : citations, withhold);
    }

    public static Verdict check(String text, Redaction redaction, Guards guards, JsonSchema schema, Set<String> allowedSources) {
        List<String> flags = new ArrayList<>();
        String withhold = null;
        if (text == null) {
            return new Verdict(flags, List.of(), null);
        }
        if (redaction.leaks(text)) {
            flags.add("pii_in_output");
            if (guards.blockPiiInOutput()) {
                withhold = "pii_in_output";
            }
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (String phrase : guards.denyList()) {
            if (lower.contains(phrase)) {
                flags.add("deny_list");
                withhold = "deny_list";
                break;
            }
        }
        if (schema != null) {
            String problem = schemaProblem(text, schema);
            if (problem != null) {
                flags.add("schema_invalid");
                withhold = "schema_invalid: " + problem;
            }
        }
        Set<String> cited = new LinkedHashSet<>();
        if (guards.citationPattern() != null) {
            Matcher m = guards.citationPattern().matcher(text);
            while (m.find()) {
                cited.add(m.group(1));
            }
            List<String> unknown = cited.stream().filter(c -> !allowedSources.contains(c)).toList();
            if (!unknown.isEmpty()) {
                flags.add("invalid_citation");
                if (guards.enforceCitations()) {
                    withhold = "invalid_citation: " + String.join(", ", unknown);
                }
            }
        }
        return new Verdict(flags, List.copyOf(cited), withhold);
    }

    private static String schemaProblem(String text, JsonSchema schema) {
        JsonNode answer;
        try {
            answer = JsonCodec.mapper().readTree(text.strip());
        } catch (IOException e) {
            return "not JSON";
        }
        if (answer == null) {
            return "empty";
        }
        Set<ValidationMessage> errors = schema.validate(answer);
        return errors.isEmpty() ? null : errors.iterator().next().getMessage();
    }
}
