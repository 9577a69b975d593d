package dev.pilotlight.common.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.common.event.Heartbeat;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.InvocationStatus;
import dev.pilotlight.common.event.ReleaseState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonCodecTest {

    static InvocationEvent invocation() {
        return InvocationEvent.builder().eventId("e-1").timestamp(1_700_000_000_000L).gatewayId("gw-1").tenant("acme")
                .userId("alice").route("claims-letter").promptId("claims-letter").promptVersion("1.1.0")
                .status(InvocationStatus.ERROR).errorType("InternalServerException").latencyMs(42)
                .outputFlags(List.of("pii")).build();
    }

    @Test
    void everyRecordRoundTrips() {
        InvocationEvent inv = invocation();
        assertThat(JsonCodec.decode(JsonCodec.encode(inv), InvocationEvent.class)).isEqualTo(inv);

        FeedbackEvent fb = new FeedbackEvent(1, "f-1", 5L, "e-1", "alice", FeedbackEvent.Rating.DOWN,
                FeedbackEvent.Acceptance.HEAVY_EDITS, 0.6, null, null, "claims-letter", "1.1.0", "production", "m");
        assertThat(JsonCodec.decode(JsonCodec.encode(fb), FeedbackEvent.class)).isEqualTo(fb);

        Heartbeat hb = new Heartbeat(1, "gw-1", 7L, "0.1.0", 3, 0, 1, 0, Map.of("claims-letter", "production=1.0.0"));
        assertThat(JsonCodec.decode(JsonCodec.encode(hb), Heartbeat.class)).isEqualTo(hb);

        Alert al = new Alert(1, "alert-x", "rule", 1, Alert.State.FIRING, Map.of("route", "r"), 0.3, 0.1, 9L, null, "s", "rb", "cmd-x", "abc123");
        assertThat(JsonCodec.decode(JsonCodec.encode(al), Alert.class)).isEqualTo(al);

        ControlCommand cmd = new ControlCommand(1, "cmd-x", 1L, CommandType.ROLLBACK_PROMPT, "claims-letter",
                Map.of("fromVersion", "1.1.0"), "why", "alert-x", "guard", 2L, "sig");
        assertThat(JsonCodec.decode(JsonCodec.encode(cmd), ControlCommand.class)).isEqualTo(cmd);

        DeadLetter dl = DeadLetter.of("llm.invocations", 2, 17, "alice", "bad", "{}", 3L);
        assertThat(JsonCodec.decode(JsonCodec.encode(dl), DeadLetter.class)).isEqualTo(dl);

        ReleaseState rs = new ReleaseState(1, "p", "r", "1.0.0", null, "1.1.0", 0.1, 3, 4L, "admin", null);
        assertThat(JsonCodec.decode(JsonCodec.encode(rs), ReleaseState.class)).isEqualTo(rs);
    }

    @Test
    void optionalFieldsMayBeAbsentAndUnknownFieldsAreIgnored() {
        String json = "{\"schemaVersion\":1,\"eventId\":\"e\",\"timestamp\":1,\"gatewayId\":\"g\",\"route\":\"r\","
                + "\"promptVersion\":\"1.0.0\",\"status\":\"OK\",\"addedByANewerGateway\":{\"x\":1}}";
        InvocationEvent e = JsonCodec.decode(json, InvocationEvent.class);
        assertThat(e.route()).isEqualTo("r");
        assertThat(e.userId()).isNull();
        assertThat(e.status()).isEqualTo(InvocationStatus.OK);
    }

    @Test
    void missingRequiredFieldIsNamed() {
        String json = "{\"schemaVersion\":1,\"eventId\":\"e\",\"timestamp\":1,\"gatewayId\":\"g\",\"promptVersion\":\"1.0.0\",\"status\":\"OK\"}";
        assertThatThrownBy(() -> JsonCodec.decode(json, InvocationEvent.class))
                .isInstanceOf(DecodeException.class)
                .hasMessage("InvocationEvent is missing required field 'route'");
    }

    @Test
    void nullRequiredFieldIsNamed() {
        String json = "{\"schemaVersion\":1,\"eventId\":null,\"timestamp\":1,\"gatewayId\":\"g\",\"route\":\"r\",\"promptVersion\":\"1.0.0\",\"status\":\"OK\"}";
        assertThatThrownBy(() -> JsonCodec.decode(json, InvocationEvent.class))
                .hasMessage("InvocationEvent has null for required field 'eventId'");
    }

    @Test
    void badEnumValueIsNamed() {
        String json = "{\"schemaVersion\":1,\"eventId\":\"e\",\"timestamp\":1,\"gatewayId\":\"g\",\"route\":\"r\",\"promptVersion\":\"1.0.0\",\"status\":\"MAYBE\"}";
        assertThatThrownBy(() -> JsonCodec.decode(json, InvocationEvent.class))
                .hasMessageContaining("field 'status'").hasMessageContaining("MAYBE");
    }

    @Test
    void malformedJsonAndNewerSchemaAreRejected() {
        assertThatThrownBy(() -> JsonCodec.decode("{not json", InvocationEvent.class))
                .isInstanceOf(DecodeException.class).hasMessageStartingWith("malformed JSON for InvocationEvent");
        assertThatThrownBy(() -> JsonCodec.decode("[1,2]", InvocationEvent.class))
                .hasMessage("InvocationEvent must be a JSON object");
        assertThatThrownBy(() -> JsonCodec.decode(new byte[0], InvocationEvent.class)).hasMessage("empty InvocationEvent record");
        String newer = JsonCodec.encodeToString(invocation()).replace("\"schemaVersion\":1", "\"schemaVersion\":2");
        assertThatThrownBy(() -> JsonCodec.decode(newer, InvocationEvent.class)).hasMessageContaining("schemaVersion 2");
    }
}
