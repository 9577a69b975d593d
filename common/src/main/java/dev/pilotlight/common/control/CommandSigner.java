package dev.pilotlight.common.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.CanonicalJson;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.rules.RuleSetUpdate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over the canonical JSON of a record without its {@code signature} field: everything
 * that can change what production does is signed this way (control commands, release states on
 * guard.releases, rule sets on guard.rules), so write access to a topic is not enough to change it
 * (docs/security.md). The key comes from configuration; it is never logged and {@link #toString()} hides it.
 */
public final class CommandSigner implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final String ALGORITHM = "HmacSHA256";
    /** Shorter keys make HMAC guessable; 32 bytes matches the hash size. */
    public static final int MIN_KEY_BYTES = 32;

    private final byte[] key;

    public CommandSigner(byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("control signing key must be at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = key.clone();
    }

    public static CommandSigner fromSecret(String secret) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("control signing key is not configured");
        }
        return new CommandSigner(secret.getBytes(StandardCharsets.UTF_8));
    }

    public ControlCommand sign(ControlCommand command) {
        return command.withSignature(signatureOf(command.withSignature(null)));
    }

    public ReleaseState sign(ReleaseState state) {
        return state.withSignature(signatureOf(state.withSignature(null)));
    }

    public RuleSetUpdate sign(RuleSetUpdate update) {
        return update.withSignature(signatureOf(update.withSignature(null)));
    }

    public dev.pilotlight.common.event.DriftBaseline sign(dev.pilotlight.common.event.DriftBaseline baseline) {
        return baseline.withSignature(signatureOf(baseline.withSignature(null)));
    }

    public dev.pilotlight.common.experiment.ExperimentState sign(dev.pilotlight.common.experiment.ExperimentState state) {
        return state.withSignature(signatureOf(state.withSignature(null)));
    }

    public dev.pilotlight.common.usage.Scorecard sign(dev.pilotlight.common.usage.Scorecard card) {
        return card.withSignature(signatureOf(card.withSignature(null)));
    }

    public dev.pilotlight.common.usage.ReviewItem sign(dev.pilotlight.common.usage.ReviewItem item) {
        return item.withSignature(signatureOf(item.withSignature(null)));
    }

    private String signatureOf(Object unsigned) {
        ObjectNode tree = JsonCodec.mapper().valueToTree(unsigned);
        return hmac(tree);
    }

    /**
     * Verifies a command exactly as it arrived on the wire and decodes it.
     *
     * @throws SignatureException if the signature is missing or wrong
     * @throws DecodeException if the bytes are not a command
     */
    public ControlCommand verify(byte[] raw) {
        return verify(raw, ControlCommand.class, "control command");
    }

    /**
     * Verifies any signed record as it arrived (fields a newer writer added are covered too) and decodes it.
     *
     * @param what how the record is named in errors ("release state", "rule set")
     * @throws SignatureException if the signature is missing or wrong
     * @throws DecodeException if the bytes are not such a record
     */
    public <T> T verify(byte[] raw, Class<T> type, String what) {
        if (raw == null) {
            throw new DecodeException(what + " is empty (null value)");
        }
        JsonNode tree;
        try {
            tree = JsonCodec.mapper().readTree(raw);
        } catch (IOException e) {
            String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new DecodeException(what + " is not JSON: " + detail, e);
        }
        if (tree == null || !tree.isObject()) {
            throw new DecodeException(what + " must be a JSON object");
        }
        JsonNode sig = tree.get("signature");
        if (sig == null || !sig.isTextual() || sig.asText().isEmpty()) {
            throw new SignatureException(what + " has no signature");
        }
        ObjectNode unsigned = ((ObjectNode) tree).deepCopy();
        unsigned.remove("signature");
        byte[] expected = hmac(unsigned).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = sig.asText().getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new SignatureException(what + " signature does not match");
        }
        return JsonCodec.decode(tree, type);
    }

    private String hmac(JsonNode unsigned) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return HexFormat.of().formatHex(mac.doFinal(CanonicalJson.bytes(unsigned)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "CommandSigner[key=<hidden>]";
    }

    /** The signature is absent or wrong: a security event, never applied. */
    public static final class SignatureException extends RuntimeException {
        public SignatureException(String message) {
            super(message);
        }
    }
}
