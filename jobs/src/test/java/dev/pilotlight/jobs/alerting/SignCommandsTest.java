package dev.pilotlight.jobs.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** At issue time: a command with params outside their schema is dead-lettered, never signed. */
class SignCommandsTest {
    private static final CommandSigner SIGNER = CommandSigner.fromSecret("sign-test-key-sign-test-key-sign-test");

    private static ControlCommand throttle(String perMinute) {
        return new ControlCommand(1, "cmd-" + perMinute, 1_000, CommandType.THROTTLE_USER, "bob", Map.of("perMinute", perMinute),
                "too many calls", "alert-1", "guard", 61_000, null);
    }

    @Test
    void onlyCommandsWithValidParamsAreSigned() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forProcessFunction(new SignCommands(SIGNER))) {
            h.processElement(new StreamRecord<>(throttle("30"), 1_000));
            h.processElement(new StreamRecord<>(throttle("0"), 1_000));
            assertThat(h.extractOutputValues()).singleElement().satisfies(c ->
                    assertThat(SIGNER.verify(JsonCodec.encode(c)).commandId()).isEqualTo("cmd-30"));
            assertThat(h.getSideOutput(SignCommands.INVALID)).singleElement().satisfies(r -> {
                assertThat(r.getValue().reason()).contains("'perMinute' must be between 1 and 1000000, not 0");
                assertThat(r.getValue().payload()).contains("cmd-0");
            });
        }
    }
}
