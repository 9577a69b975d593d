package dev.pilotlight.local.cli;

import dev.pilotlight.common.rules.RuleProblem;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleValidationException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./pilotlight rules check alert-rules/}: validates rule files exactly as the job does. */
@Command(name = "rules", description = "Work with alert-rule files.", subcommands = RulesCommand.Check.class)
final class RulesCommand {

    @Command(name = "check", description = "Validate rule files; prints file:line: reason for every problem.")
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", defaultValue = "alert-rules", description = "A rule file or a directory of *.yaml files.")
        Path path;

        @Override
        public Integer call() {
            try {
                RuleSet set = RuleSetLoader.load(path);
                System.out.println("OK: " + set.rules().size() + " rule(s), version " + set.version());
                set.rules().forEach(r -> System.out.println("  " + r.id() + " (" + r.source() + ")"));
                return 0;
            } catch (RuleValidationException e) {
                for (RuleProblem p : e.problems()) {
                    System.err.println(p);
                }
                System.err.println(e.problems().size() + " problem(s)");
                return 1;
            }
        }
    }
}
