package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandParams;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.DeadLetter;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Signs each command just before it leaves for guard.control, so deciding and signing stay apart;
 * a command whose params break their schema (CommandParams) is not signed but dead-lettered with
 * the problems, since a gateway would refuse it anyway.
 */
public final class SignCommands extends ProcessFunction<ControlCommand, ControlCommand> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> INVALID = new OutputTag<>("invalid-commands") {};

    private final CommandSigner signer;

    public SignCommands(CommandSigner signer) {
        this.signer = signer;
    }

    @Override
    public void processElement(ControlCommand c, Context ctx, Collector<ControlCommand> out) {
        List<String> problems = CommandParams.problems(c.type(), c.params(), c.issuedAt());
        if (problems.isEmpty()) {
            out.collect(signer.sign(c));
            return;
        }
        ctx.output(INVALID, DeadLetter.of(Topics.CONTROL, -1, -1, c.target(), "guard: command not issued: " + String.join("; ", problems),
                JsonCodec.encodeToString(c), System.currentTimeMillis()));
    }
}
