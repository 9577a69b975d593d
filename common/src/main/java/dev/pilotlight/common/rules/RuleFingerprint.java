package dev.pilotlight.common.rules;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A fingerprint of what a rule decides on that is the same in every JVM: it is kept in state and in
 * operator uids and compared after a restore, in another process. {@code Objects.hash} is not: an
 * enum's hash code is its identity, so every restore would see every rule as changed. The parts'
 * text (records, enums, durations and lists print their values) is hashed with SHA-256.
 */
public final class RuleFingerprint {
    private RuleFingerprint() {}

    public static int of(Object... parts) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(Arrays.deepToString(parts).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getInt();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
