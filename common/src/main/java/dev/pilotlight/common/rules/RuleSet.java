package dev.pilotlight.common.rules;

import dev.pilotlight.common.control.CommandType;
import java.io.Serializable;
import java.util.List;

/**
 * The validated rules, quotas and schedules (docs/cost.md) and rosters (docs/usage.md) of a directory, with a version that changes whenever any
 * file's content does.
 */
public record RuleSet(String version, List<Rule> rules, List<dev.pilotlight.common.cost.Quota> quotas,
                      List<dev.pilotlight.common.cost.Schedule> schedules, List<dev.pilotlight.common.usage.Roster> rosters)
        implements Serializable {

    /** Without rosters (docs/usage.md). */
    public RuleSet(String version, List<Rule> rules, List<dev.pilotlight.common.cost.Quota> quotas,
                   List<dev.pilotlight.common.cost.Schedule> schedules) {
        this(version, rules, quotas, schedules, List.of());
    }

    /** Rules without quotas or schedules. */
    public RuleSet(String version, List<Rule> rules) {
        this(version, rules, List.of(), List.of());
    }

    public List<ThresholdRule> thresholds() {
        return rules.stream().filter(ThresholdRule.class::isInstance).map(ThresholdRule.class::cast).toList();
    }

    public List<AbsenceRule> absences() {
        return rules.stream().filter(AbsenceRule.class::isInstance).map(AbsenceRule.class::cast).toList();
    }

    public List<SequenceRule> sequences() {
        return rules.stream().filter(SequenceRule.class::isInstance).map(SequenceRule.class::cast).toList();
    }

    public List<Rule> withAction(CommandType action) {
        return rules.stream().filter(r -> r.action() != null && r.action().type() == action).toList();
    }
}
