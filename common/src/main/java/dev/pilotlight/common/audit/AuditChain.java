package dev.pilotlight.common.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.CanonicalJson;
import dev.pilotlight.common.codec.JsonCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The hash chain of an audit log (one JSON record per line): each record's {@code hash} is
 * SHA-256 over the previous record's hash and the record's canonical JSON without its hash, so
 * changing, removing or reordering any record breaks every hash after it.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);

    /** Where verification failed: the 1-based line and why. */
    public record Break(long line, String reason) {}

    private AuditChain() {}

    public static String hash(String previousHash, ObjectNode recordWithoutHash) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previousHash.getBytes(StandardCharsets.US_ASCII));
            sha.update(CanonicalJson.bytes(recordWithoutHash));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where a log ends: its last hash (GENESIS for a new log) and how many records it holds. */
    public record Tail(String lastHash, long records) {}

    /** Reads a log once to continue its chain after a restart. */
    public static Tail tail(Path log) throws IOException {
        if (!Files.exists(log)) {
            return new Tail(GENESIS, 0);
        }
        String last = GENESIS;
        long records = 0;
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    last = JsonCodec.mapper().readTree(line).path("hash").asText(last);
                    records++;
                }
            }
        }
        return new Tail(last, records);
    }

    /** Checks every link; empty when the whole log is intact. */
    public static Optional<Break> verify(Path log) throws IOException {
        String previous = GENESIS;
        long n = 0;
        try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JsonCodec.mapper().readTree(line);
                } catch (IOException e) {
                    return Optional.of(new Break(n, "not JSON"));
                }
                if (!(node instanceof ObjectNode obj) || !obj.path("hash").isTextual()) {
                    return Optional.of(new Break(n, "record without hash"));
                }
                if (!previous.equals(obj.path("prevHash").asText())) {
                    return Optional.of(new Break(n, "prevHash does not match the record before (removed or reordered records)"));
                }
                String stated = obj.get("hash").asText();
                ObjectNode unhashed = obj.deepCopy();
                unhashed.remove("hash");
                if (!hash(previous, unhashed).equals(stated)) {
                    return Optional.of(new Break(n, "hash does not match the record's content (record changed)"));
                }
                previous = stated;
            }
        }
        return Optional.empty();
    }
}
