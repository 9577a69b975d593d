package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.rules.Condition;
import dev.pilotlight.common.rules.RuleFingerprint;
import dev.pilotlight.common.rules.RuleStream;
import dev.pilotlight.common.rules.SequenceRule;
import dev.pilotlight.jobs.ingest.Envelope;
import java.util.List;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;

/**
 * Compiles a sequence rule to a Flink CEP pattern. Open-source Flink CEP cannot change patterns at
 * run time (FLIP-200 was never released), so a changed sequence rule needs a redeploy.
 */
public final class SequencePatterns {
    private SequencePatterns() {}

    public static Pattern<Envelope, Envelope> compile(SequenceRule rule) {
        SimpleCondition<Envelope> first = SimpleCondition.of(matching(rule.stream(), rule.first()));
        // after a match, start over: one match per burst, not one per overlapping subset
        Pattern<Envelope, Envelope> begin = Pattern.begin("first", AfterMatchSkipStrategy.skipPastLastEvent());
        Pattern<Envelope, Envelope> p = switch (rule.kind()) {
            case COUNT -> begin.where(first).times(rule.times());
            case FOLLOWED_BY -> begin.where(first).followedBy("then").where(SimpleCondition.of(matching(rule.stream(), rule.then())));
            case NOT_FOLLOWED_BY -> begin.where(first).notFollowedBy("then").where(SimpleCondition.of(matching(rule.stream(), rule.then())));
        };
        return p.within(rule.within());
    }

    /** What the pattern is (kind, conditions, count, window), as a short hex string for the operator's uid: the same in every JVM. */
    public static String fingerprint(SequenceRule rule) {
        return Integer.toHexString(RuleFingerprint.of(rule.kind(), rule.stream(), rule.first(), rule.then(), rule.times(), rule.within(),
                rule.groupBy()));
    }

    /** Events a rule's pattern looks at: those matching its first or its then conditions. */
    public static FilterFunction<Envelope> relevant(SequenceRule rule) {
        FilterFunction<Envelope> first = matching(rule.stream(), rule.first());
        FilterFunction<Envelope> then = rule.then().isEmpty() ? e -> false : matching(rule.stream(), rule.then());
        return e -> e.record(rule.stream()) != null && rule.hasGroup(e.record(rule.stream())) && (first.filter(e) || then.filter(e));
    }

    private static FilterFunction<Envelope> matching(RuleStream stream, List<Condition> conditions) {
        return e -> {
            Object record = e.record(stream);
            return record != null && Condition.all(conditions, record);
        };
    }
}
