package dev.pilotlight.local.cli;

import dev.pilotlight.common.control.CommandSigner;
import java.nio.charset.StandardCharsets;

/** The control key of commands that sign what they publish: from PILOTLIGHT_CONTROL_KEY, never an argument (process lists show those). */
final class ControlKeyEnv {
    static final String NAME = "PILOTLIGHT_CONTROL_KEY";

    private ControlKeyEnv() {}

    /** The signer, or null after telling the operator why not; {@code what} is what the job would refuse unsigned ("rule sets"). */
    static CommandSigner signer(String what) {
        String key = System.getenv(NAME);
        if (key == null || key.getBytes(StandardCharsets.UTF_8).length < CommandSigner.MIN_KEY_BYTES) {
            System.err.println("set " + NAME + " to the guard's control key (at least " + CommandSigner.MIN_KEY_BYTES
                    + " bytes): the job refuses " + what + " it did not sign");
            return null;
        }
        return CommandSigner.fromSecret(key);
    }
}
