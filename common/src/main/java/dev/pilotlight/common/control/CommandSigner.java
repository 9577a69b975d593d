package dev.pilotlight.common.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.CanonicalJson;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA256 over the canonical JSON of a command without its {@code signature} field.
 * The key comes from configuration; it is never logged and {@link #toString()} hides it.
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
        ObjectNode tree = JsonCodec.mapper().valueToTree(command.withSignature(null));
        return command.withSignature(hmac(tree));
    }

    /**
     * Verifies a command exactly as it arrived on the wire and decodes it.
     *
     * @throws SignatureException if the signature is missing or wrong
     * @throws DecodeException if the bytes are not a command
     */
    public ControlCommand verify(byte[] raw) {
        JsonNode tree;
        try {
            tree = JsonCodec.mapper().readTree(raw);
        } catch (IOException e) {
            throw new DecodeException("control command is not JSON: " + e.getMessage(), e);
        }
        if (tree == null || !tree.isObject()) {
            throw new DecodeException("control command must be a JSON object");
        }
        JsonNode sig = tree.get("signature");
        if (sig == null || !sig.isTextual() || sig.asText().isEmpty()) {
            throw new SignatureException("control command has no signature");
        }
        ObjectNode unsigned = ((ObjectNode) tree).deepCopy();
        unsigned.remove("signature");
        byte[] expected = hmac(unsigned).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = sig.asText().getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new SignatureException("control command signature does not match");
        }
        return JsonCodec.decode(tree, ControlCommand.class);
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
