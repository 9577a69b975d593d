package dev.pilotlight.gateway.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.audit.AuditChain;
import dev.pilotlight.common.codec.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Append-only, hash-chained record of every release change, admin action and control command on
 * this replica (playbook §2.D: "Audit log for compliance (immutable, tamper-evident)"). Each line
 * is forced to disk before the action is reported done. Check with {@code ./pilotlight audit verify}.
 */
public final class AuditLog implements AutoCloseable {
    private final FileChannel channel;
    private final String gatewayId;
    private String lastHash;
    private long seq;

    public AuditLog(Path file, String gatewayId) {
        this.gatewayId = gatewayId;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            AuditChain.Tail tail = AuditChain.tail(file);
            this.lastHash = tail.lastHash();
            this.seq = tail.records();
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + file, e);
        }
    }

    /**
     * @param actor who did it: {@code admin:<keyId>}, {@code command:<issuer>}, {@code config}
     * @param action what: release, rollback, command-applied, command-rejected ...
     */
    public synchronized void record(String actor, String action, String target, Map<String, ?> details) {
        ObjectNode r = JsonCodec.mapper().createObjectNode();
        r.put("seq", ++seq);
        r.put("at", System.currentTimeMillis());
        r.put("gatewayId", gatewayId);
        r.put("actor", actor);
        r.put("action", action);
        r.put("target", target);
        r.set("details", JsonCodec.mapper().valueToTree(details));
        r.put("prevHash", lastHash);
        String hash = AuditChain.hash(lastHash, r);
        r.put("hash", hash);
        try {
            channel.write(ByteBuffer.wrap((r.toString() + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit log", e);
        }
        lastHash = hash;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to write
        }
    }
}
