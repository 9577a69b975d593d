package dev.pilotlight.gateway.events;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Records that could not reach Kafka, kept on local disk until they can: append-only segment
 * files of length-prefixed (topic, key, value) records, bounded in total size. Segments survive a
 * restart and are delivered oldest first.
 */
public final class DiskSpool {
    /** One spooled record. */
    public record Entry(String topic, String key, byte[] value) {}

    private static final long SEGMENT_BYTES = 8L * 1024 * 1024;

    private final Path dir;
    private final long maxBytes;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong records = new AtomicLong();
    private long nextSegment;
    private Path current;
    private DataOutputStream out;

    public DiskSpool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        try {
            Files.createDirectories(dir);
            for (Path s : segments()) {
                bytes.addAndGet(Files.size(s));
                records.addAndGet(read(s).size());
                nextSegment = Math.max(nextSegment, sequenceOf(s) + 1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use spool directory " + dir, e);
        }
    }

    /** @return false when the spool is full (the record is then lost and must be counted as dropped) */
    public synchronized boolean append(String topic, String key, byte[] value) {
        int size = 12 + utf8(topic).length + (key == null ? 0 : utf8(key).length) + value.length;
        if (bytes.get() + size > maxBytes) {
            return false;
        }
        try {
            if (out == null || Files.size(current) >= SEGMENT_BYTES) {
                roll();
            }
            writeString(topic);
            writeString(key);
            out.writeInt(value.length);
            out.write(value);
            out.flush();
            bytes.addAndGet(size);
            records.incrementAndGet();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Hands the oldest segment to {@code deliver}; deletes it when every record was delivered.
     *
     * @return false when there was nothing to deliver or delivery failed (try again later)
     */
    public boolean deliverOldest(Delivery deliver) {
        Path oldest;
        synchronized (this) {
            List<Path> segs = segments();
            if (segs.isEmpty()) {
                return false;
            }
            oldest = segs.get(0);
            if (oldest.equals(current)) {
                closeCurrent(); // later appends go to a new segment
            }
        }
        try {
            List<Entry> entries = read(oldest);
            if (!deliver.all(entries)) {
                return false;
            }
            long size = Files.size(oldest);
            Files.delete(oldest);
            bytes.addAndGet(-size);
            records.addAndGet(-entries.size());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sends a batch; true only if every record was acknowledged. */
    @FunctionalInterface
    public interface Delivery {
        boolean all(List<Entry> entries);
    }

    public long depth() {
        return records.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public synchronized void close() {
        closeCurrent();
    }

    private void roll() throws IOException {
        closeCurrent();
        current = dir.resolve(String.format("spool-%012d.log", nextSegment++));
        out = new DataOutputStream(Files.newOutputStream(current, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    private void closeCurrent() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // the data was flushed after each record
            }
            out = null;
            current = null;
        }
    }

    private List<Path> segments() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("spool-\\d{12}\\.log")).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static long sequenceOf(Path p) {
        String n = p.getFileName().toString();
        return Long.parseLong(n.substring(6, 18));
    }

    private static List<Entry> read(Path segment) throws IOException {
        List<Entry> out = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(Files.newInputStream(segment))) {
            while (true) {
                String topic;
                try {
                    topic = readString(in);
                } catch (EOFException end) {
                    return out;
                }
                try {
                    String key = readString(in);
                    byte[] value = new byte[in.readInt()];
                    in.readFully(value);
                    out.add(new Entry(topic, key, value));
                } catch (EOFException torn) {
                    return out; // a record cut short by a crash: the rest of the segment is whole
                }
            }
        }
    }

    private void writeString(String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = utf8(s);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
