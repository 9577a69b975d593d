package dev.pilotlight.common.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic ids for decisions: the same decision, replayed after a failure, yields the same
 * alertId and commandId, so consumers can drop the repeat (effectively-once without transactions).
 */
public final class DecisionIds {
    private DecisionIds() {}

    public static String of(String kind, String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(kind.getBytes(StandardCharsets.UTF_8));
            for (String p : parts) {
                sha.update((byte) 0x1f); // unit separator: "a","bc" and "ab","c" must differ
                sha.update(String.valueOf(p).getBytes(StandardCharsets.UTF_8));
            }
            return kind + "-" + HexFormat.of().formatHex(sha.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
