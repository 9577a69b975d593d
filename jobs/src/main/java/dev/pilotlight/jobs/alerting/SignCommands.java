package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.ControlCommand;
import org.apache.flink.api.common.functions.MapFunction;

/** Signs each command just before it leaves for guard.control, so deciding and signing stay apart. */
public final class SignCommands implements MapFunction<ControlCommand, ControlCommand> {
    private static final long serialVersionUID = 1L;
    private final CommandSigner signer;

    public SignCommands(CommandSigner signer) {
        this.signer = signer;
    }

    @Override
    public ControlCommand map(ControlCommand c) {
        return signer.sign(c);
    }
}
