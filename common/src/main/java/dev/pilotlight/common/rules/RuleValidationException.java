package dev.pilotlight.common.rules;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a set of rule files; the job refuses to start with any of them. */
public class RuleValidationException extends RuntimeException {
    private final List<RuleProblem> problems;

    public RuleValidationException(List<RuleProblem> problems) {
        super(problems.size() + " problem(s) in rule files:\n"
                + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
