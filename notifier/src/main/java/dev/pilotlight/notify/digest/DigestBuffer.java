package dev.pilotlight.notify.digest;

import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.Alert;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The tier-3 alerts waiting for one receiver's daily digest, kept in a file (one JSON line each,
 * written through before the alert's offset is committed) so a restart loses none of them.
 */
public final class DigestBuffer {
    private final Path file;

    public DigestBuffer(Path dir, String receiver) {
        this.file = dir.resolve("digest-" + receiver + ".jsonl");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the notifier state directory " + dir, e);
        }
    }

    public synchronized void add(Alert a) {
        try {
            Files.write(file, (new String(JsonCodec.encode(a), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    public synchronized List<Alert> read() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<Alert> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(JsonCodec.decode(line.getBytes(StandardCharsets.UTF_8), Alert.class));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Drops the first {@code n} alerts (those a sent digest held); later ones stay for the next. */
    public synchronized void dropFirst(int n) {
        List<Alert> rest = read();
        rest = rest.subList(Math.min(n, rest.size()), rest.size());
        StringBuilder sb = new StringBuilder();
        for (Alert a : rest) {
            sb.append(new String(JsonCodec.encode(a), StandardCharsets.UTF_8)).append('\n');
        }
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, sb, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }
}
