package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.rules.SequenceRule;
import dev.pilotlight.jobs.ingest.Envelope;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns a CEP match into a {@link SequenceMatch}. For not_followed_by the match is emitted when the
 * window ends without the second event.
 */
public final class EmitSequenceMatch extends PatternProcessFunction<Envelope, SequenceMatch> {
    private static final long serialVersionUID = 1L;
    private final SequenceRule rule;

    public EmitSequenceMatch(SequenceRule rule) {
        this.rule = rule;
    }

    @Override
    public void processMatch(Map<String, List<Envelope>> match, Context ctx, Collector<SequenceMatch> out) {
        List<Envelope> first = match.get("first");
        Envelope last = first.get(first.size() - 1);
        List<Envelope> then = match.get("then");
        if (then != null && !then.isEmpty()) {
            last = then.get(then.size() - 1);
        }
        List<String> group = rule.groupValues(last.record(rule.stream()));
        int events = match.values().stream().mapToInt(List::size).sum();
        out.collect(new SequenceMatch(rule.id(), RuleInput.keyOf(rule.id(), group), group, events, last.eventTime()));
    }
}
