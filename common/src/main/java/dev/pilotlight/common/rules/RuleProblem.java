package dev.pilotlight.common.rules;

/** One problem in a rule file, where it is and why. */
public record RuleProblem(String file, int line, String reason) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + reason;
    }
}
