package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.rules.Condition;
import dev.pilotlight.common.rules.Metric;
import dev.pilotlight.common.rules.Rule;
import dev.pilotlight.common.rules.ThresholdRule;
import dev.pilotlight.jobs.ingest.Envelope;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides which rules an event counts for, and with what contribution to each (a threshold rule's
 * metric; a plain sighting for an absence rule), keyed by rule and group.
 */
public final class MatchRules extends ProcessFunction<Envelope, RuleInput> {
    private static final long serialVersionUID = 1L;

    private final List<Rule> rules;

    public MatchRules(List<? extends Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<RuleInput> out) {
        collect(rules, e, out::collect);
    }

    /** The inputs one event gives to {@code rules}. */
    public static void collect(List<? extends Rule> rules, Envelope e, java.util.function.Consumer<RuleInput> out) {
        for (Rule rule : rules) {
            Object record = e.record(rule.stream());
            if (record == null || !rule.hasGroup(record) || !Condition.all(where(rule), record)) {
                continue;
            }
            List<String> group = rule.groupValues(record);
            if (rule instanceof ThresholdRule t) {
                Metric m = t.metric();
                // the user: counted by a distinct-users metric, and by rules that need evidence from min_users users
                String distinct = m.aggregation() == Metric.Aggregation.DISTINCT || t.minUsers() > 0
                        ? String.valueOf(rule.stream().read(record, "userId")) : null;
                boolean releaseTotals = t.baseline() != null && t.baseline().kind() == dev.pilotlight.common.rules.Baseline.Kind.PREVIOUS_RELEASE;
                out.accept(new RuleInput(rule.id(), null, group, e.eventTime(), m.numerator(record), m.denominator(record),
                        m.aggregation(), distinct, null, null, releaseTotals));
            } else {
                out.accept(new RuleInput(rule.id(), null, group, e.eventTime(), 1, 1, Metric.Aggregation.COUNT, null, null, null, false));
            }
        }
    }

    private static List<Condition> where(Rule rule) {
        if (rule instanceof ThresholdRule t) {
            return t.where();
        }
        if (rule instanceof dev.pilotlight.common.rules.AbsenceRule a) {
            return a.where();
        }
        return List.of();
    }
}
