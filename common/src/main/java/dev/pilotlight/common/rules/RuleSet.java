package dev.pilotlight.common.rules;

import java.io.Serializable;
import java.util.List;

/** The validated rules of a directory, with a version that changes whenever any file's content does. */
public record RuleSet(String version, List<ThresholdRule> rules) implements Serializable {
    public List<ThresholdRule> withAction(dev.pilotlight.common.control.CommandType action) {
        return rules.stream().filter(r -> r.action() == action).toList();
    }
}
