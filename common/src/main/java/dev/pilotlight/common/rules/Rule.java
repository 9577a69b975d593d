package dev.pilotlight.common.rules;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A validated rule of any kind; see docs/rules.md. */
public sealed interface Rule extends Serializable permits ThresholdRule, AbsenceRule, SequenceRule {
    String id();

    /** file:line where the rule starts, for messages. */
    String source();

    RuleStream stream();

    List<String> groupBy();

    /** The command to issue when the alert fires, or null. */
    RuleAction action();

    AlertTemplate alert();

    /** The values of the group labels of one event, in {@code group_by} order. */
    default List<String> groupValues(Object event) {
        List<String> fields = groupBy();
        String[] values = new String[fields.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = String.valueOf(stream().read(event, fields.get(i)));
        }
        return List.of(values);
    }

    /**
     * Whether the event has a value for every group field: one that has not (feedback on a call another
     * replica served carries no route; a direct model call no prompt) cannot be told apart by the rule
     * and does not count for it, rather than alerting "on null".
     */
    default boolean hasGroup(Object event) {
        for (String f : groupBy()) {
            if (stream().read(event, f) == null) {
                return false;
            }
        }
        return true;
    }

    /** The alert's labels: the rule's fixed labels, then the group labels. */
    default Map<String, String> labels(List<String> groupValues) {
        Map<String, String> out = new LinkedHashMap<>(alert().labels());
        for (int i = 0; i < groupBy().size(); i++) {
            out.put(groupBy().get(i), groupValues.get(i));
        }
        return out;
    }
}
