package dev.pilotlight.testkit.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Record values no consumer should choke on, for the tests that write them to every topic: null
 * (a tombstone), empty, invalid UTF-8, not JSON, JSON of the wrong shape, 5,000 levels of nesting,
 * a number that overflows, a wrong type for a known field, and a 900 KB value.
 */
public final class PoisonRecords {
    private PoisonRecords() {}

    public static List<byte[]> all() {
        List<byte[]> out = new ArrayList<>();
        out.add(null);
        out.add(new byte[0]);
        out.add(new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b});
        out.add(utf8("not json"));
        out.add(utf8("[1,2,3]"));
        out.add(utf8("{}"));
        out.add(utf8("[".repeat(5000) + "]".repeat(5000)));
        out.add(utf8("{\"schemaVersion\":\"x\",\"timestamp\":1e400,\"revision\":99999999999999999999999}"));
        out.add(utf8("{\"schemaVersion\":1,\"eventId\":\"e\",\"timestamp\":\"yesterday\",\"status\":\"EXPLODED\",\"tier\":\"one\"}"));
        out.add(utf8("{\"pad\":\"" + "z".repeat(900_000) + "\"}"));
        return out;
    }

    /** How many of {@link #all()} are not null (a null value is a tombstone, which compacted topics skip). */
    public static int nonNull() {
        return (int) all().stream().filter(v -> v != null).count();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
