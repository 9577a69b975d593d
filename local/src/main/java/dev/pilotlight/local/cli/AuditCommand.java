package dev.pilotlight.local.cli;

import dev.pilotlight.common.audit.AuditChain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./pilotlight audit verify <file>}: checks the hash chain of a gateway's audit log. */
@Command(name = "audit", description = "Work with the gateway's audit log.", subcommands = AuditCommand.Verify.class)
final class AuditCommand {

    @Command(name = "verify", description = "Verify the hash chain; exit 1 with the first broken line if tampered.")
    static final class Verify implements Callable<Integer> {
        @Parameters(index = "0", description = "The audit log (pilotlight.audit.file).")
        Path file;

        @Override
        public Integer call() throws Exception {
            if (!Files.isRegularFile(file)) {
                System.err.println(file + ": no such file");
                return 2;
            }
            Optional<AuditChain.Break> broken = AuditChain.verify(file);
            if (broken.isPresent()) {
                System.err.println(file + ":" + broken.get().line() + ": " + broken.get().reason());
                return 1;
            }
            System.out.println("OK: " + AuditChain.tail(file).records() + " records, chain intact");
            return 0;
        }
    }
}
