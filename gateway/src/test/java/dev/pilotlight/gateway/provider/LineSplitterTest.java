package dev.pilotlight.gateway.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pilotlight.gateway.provider.netty.LineSplitter;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class LineSplitterTest {
    private static final String STREAM = "data: {\"content\":\"Grüße, 東京 🚗\"}\r\n\ndata: [DONE]\n\n";

    /** Wherever the pieces are cut (inside a line end, inside a multi-byte character), the lines are the same. */
    @Property(tries = 200)
    void linesDoNotDependOnWhereThePiecesAreCut(@ForAll @IntRange(min = 1, max = 80) int cut1, @ForAll @IntRange(min = 1, max = 80) int cut2) {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        LineSplitter s = new LineSplitter(1024, lines::add);
        int a = Math.min(cut1, bytes.length);
        int b = Math.min(Math.max(a, cut2), bytes.length);
        s.feed(Unpooled.wrappedBuffer(bytes, 0, a));
        s.feed(Unpooled.wrappedBuffer(bytes, a, b - a));
        s.feed(Unpooled.wrappedBuffer(bytes, b, bytes.length - b));
        assertThat(lines).containsExactly("data: {\"content\":\"Grüße, 東京 🚗\"}", "", "data: [DONE]", "");
    }

    @Test
    void aLineLongerThanTheLimitIsRefused() {
        LineSplitter s = new LineSplitter(8, l -> { });
        assertThatThrownBy(() -> s.feed(Unpooled.copiedBuffer("0123456789", StandardCharsets.UTF_8)))
                .hasMessageContaining("longer than 8 bytes");
    }
}
