package dev.pilotlight.local.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./pilotlight <command>}: the embedded stack and the tools around it. */
@Command(name = "pilotlight", mixinStandardHelpOptions = true, version = "pilotlight 0.1.0",
        description = "Guard for LLM features in production.",
        subcommands = {DemoCommand.class, RulesCommand.class, NotifyCommand.class, BenchCommand.class, AuditCommand.class,
                UpstreamCommand.class})
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
