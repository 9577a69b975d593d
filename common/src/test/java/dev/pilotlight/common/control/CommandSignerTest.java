package dev.pilotlight.common.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandSignerTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef-test";
    private final CommandSigner signer = CommandSigner.fromSecret(KEY);

    private static ControlCommand command() {
        return new ControlCommand(1, "cmd-1", 1000L, CommandType.ROLLBACK_PROMPT, "claims-letter",
                Map.of("fromVersion", "1.1.0", "toVersion", "1.0.0"), "error rate", "alert-1", "guard", 2000L, null);
    }

    @Test
    void signedCommandVerifies() {
        ControlCommand signed = signer.sign(command());
        assertThat(signed.signature()).matches("[0-9a-f]{64}");
        assertThat(signer.verify(JsonCodec.encode(signed))).isEqualTo(signed);
    }

    @Test
    void signatureDoesNotDependOnFieldOrderOrWhitespace() throws Exception {
        ControlCommand signed = signer.sign(command());
        ObjectNode tree = JsonCodec.mapper().valueToTree(signed);
        // same content, keys in reverse order and pretty-printed
        ObjectNode reordered = JsonCodec.mapper().createObjectNode();
        java.util.List<String> names = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        java.util.Collections.reverse(names);
        names.forEach(n -> reordered.set(n, tree.get(n)));
        byte[] raw = JsonCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(reordered);
        assertThat(signer.verify(raw).commandId()).isEqualTo("cmd-1");
    }

    @Test
    void tamperedCommandIsRejected() {
        String json = JsonCodec.encodeToString(signer.sign(command())).replace("\"1.0.0\"", "\"0.9.0\"");
        assertThatThrownBy(() -> signer.verify(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CommandSigner.SignatureException.class).hasMessageContaining("does not match");
    }

    @Test
    void fieldAddedAfterSigningIsRejected() {
        String json = JsonCodec.encodeToString(signer.sign(command())).replaceFirst("\\{", "{\"extra\":\"x\",");
        assertThatThrownBy(() -> signer.verify(json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(CommandSigner.SignatureException.class);
    }

    @Test
    void otherKeyOrNoSignatureIsRejected() {
        ControlCommand signedElsewhere = CommandSigner.fromSecret("another-key-another-key-another-key!!").sign(command());
        assertThatThrownBy(() -> signer.verify(JsonCodec.encode(signedElsewhere))).isInstanceOf(CommandSigner.SignatureException.class);
        assertThatThrownBy(() -> signer.verify(JsonCodec.encode(command())))
                .isInstanceOf(CommandSigner.SignatureException.class).hasMessage("control command has no signature");
    }

    @Test
    void shortKeysAreRefusedAndTheKeyNeverPrints() {
        assertThatThrownBy(() -> CommandSigner.fromSecret("short")).hasMessageContaining("at least 32 bytes");
        assertThat(signer.toString()).doesNotContain(KEY).contains("hidden");
    }

    @Test
    void decisionIdsAreDeterministicAndSeparateParts() {
        assertThat(DecisionIds.of("cmd", "r", "p", "1.1.0")).isEqualTo(DecisionIds.of("cmd", "r", "p", "1.1.0"));
        assertThat(DecisionIds.of("cmd", "ab", "c")).isNotEqualTo(DecisionIds.of("cmd", "a", "bc"));
        assertThat(DecisionIds.of("cmd", "x")).startsWith("cmd-");
    }
}
