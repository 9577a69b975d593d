package dev.pilotlight.gateway.provider.netty;

import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The lines of a body that arrives in pieces (server-sent events), as UTF-8 text without their line
 * ends; a line split over pieces (even inside a multi-byte character) is joined before it is decoded.
 */
public final class LineSplitter {
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final Consumer<String> onLine;
    private final int maxLineBytes;

    public LineSplitter(int maxLineBytes, Consumer<String> onLine) {
        this.maxLineBytes = maxLineBytes;
        this.onLine = onLine;
    }

    public void feed(ByteBuf piece) {
        int from = piece.readerIndex();
        int end = piece.writerIndex();
        while (from < end) {
            int lf = piece.indexOf(from, end, (byte) '\n');
            int to = lf < 0 ? end : lf;
            if (line.size() + (to - from) > maxLineBytes) {
                throw new IllegalStateException("a line of the provider's stream is longer than " + maxLineBytes + " bytes");
            }
            byte[] part = new byte[to - from];
            piece.getBytes(from, part);
            line.write(part, 0, part.length);
            if (lf < 0) {
                return;
            }
            byte[] bytes = line.toByteArray();
            line.reset();
            int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
            onLine.accept(new String(bytes, 0, len, StandardCharsets.UTF_8));
            from = lf + 1;
        }
    }
}
