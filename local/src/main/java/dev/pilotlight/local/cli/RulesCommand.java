package dev.pilotlight.local.cli;

import dev.pilotlight.common.rules.RuleProblem;
import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetLoader;
import dev.pilotlight.common.rules.RuleValidationException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import dev.pilotlight.common.control.CommandSigner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./pilotlight rules check alert-rules/}: validates rule files exactly as the job does. */
@Command(name = "rules", description = "Work with alert-rule files.", subcommands = {RulesCommand.Check.class, RulesCommand.Publish.class})
final class RulesCommand {

    @Command(name = "check", description = "Validate rule files; prints file:line: reason for every problem.")
    static final class Check implements Callable<Integer> {
        @Parameters(index = "0", defaultValue = "alert-rules", description = "A rule file or a directory of *.yaml files.")
        Path path;

        @Override
        public Integer call() {
            try {
                RuleSet set = RuleSetLoader.load(path);
                System.out.println("OK: " + set.rules().size() + " rule(s), " + set.quotas().size() + " quota(s), " + set.schedules().size()
                        + " schedule(s), version " + set.version());
                set.rules().forEach(r -> System.out.println("  " + r.id() + " (" + r.source() + ")"));
                set.quotas().forEach(q -> System.out.println("  quota " + q.id() + " (" + q.source() + ")"));
                set.schedules().forEach(x -> System.out.println("  schedule " + x.id() + " (" + x.source() + ")"));
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

    @Command(name = "publish", description = {"Validate a rule directory and publish it to guard.rules: threshold rules change",
            "in the running job within seconds; sequence and absence rules need a redeploy (the command says which)."})
    static final class Publish implements Callable<Integer> {
        @Parameters(index = "0", defaultValue = "alert-rules", description = "A rule file or a directory of *.yaml files.")
        Path path;

        @Option(names = "--bootstrap", defaultValue = "${env:PILOTLIGHT_KAFKA:-127.0.0.1:9092}", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}).")
        String bootstrap;

        @Option(names = "--by", defaultValue = "${sys:user.name}", description = "Who publishes, recorded with the rule set (default: ${DEFAULT-VALUE}).")
        String by;

        @Override
        public Integer call() throws Exception {
            CommandSigner signer = ControlKeyEnv.signer("rule sets");
            if (signer == null) {
                return 2;
            }
            try {
                dev.pilotlight.local.rules.RuleSetPublisher.Report r = new dev.pilotlight.local.rules.RuleSetPublisher(bootstrap,
                        signer).publish(path, by);
                System.out.println("published rule set " + r.version() + " to " + dev.pilotlight.common.Topics.RULES);
                r.applied().forEach(s -> System.out.println("  applies now: " + s));
                r.needRedeploy().forEach(s -> System.out.println("  NEEDS A REDEPLOY: " + s));
                if (r.applied().isEmpty() && r.needRedeploy().isEmpty()) {
                    System.out.println("  no rule changed");
                }
                if (!r.needRedeploy().isEmpty()) {
                    System.out.println("Sequence (Flink CEP) and absence rules are part of the job graph: take a savepoint and restart the job"
                            + " with --rules " + path + " to apply them (docs/rules.md, \"Changing rules\").");
                }
                return 0;
            } catch (RuleValidationException e) {
                e.problems().forEach(p -> System.err.println(p));
                System.err.println(e.problems().size() + " problem(s); nothing published");
                return 1;
            }
        }
    }
}
