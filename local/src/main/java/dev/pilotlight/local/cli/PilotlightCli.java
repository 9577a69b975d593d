package dev.pilotlight.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pilotlight <command>}: the embedded stack and the tools around it. */
// scope INHERIT: every subcommand, at every depth, takes --help (and --version)
@Command(name = "pilotlight", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, version = "pilotlight 0.1.0",
        description = "Guard for LLM features in production.",
        footer = {"", "Also: ./pilotlight test [--unit|--integration] runs the test suite, installing what it needs first "
                + "(handled by the ./pilotlight script before Java starts; ./pilotlight test --help)."},
        subcommands = {DemoCommand.class, RulesCommand.class, NotifyCommand.class, BenchCommand.class, AuditCommand.class,
                UpstreamCommand.class, DriftCommand.class, ReportCommand.class})
public final class PilotlightCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new PilotlightCli()).execute(args));
    }
}
