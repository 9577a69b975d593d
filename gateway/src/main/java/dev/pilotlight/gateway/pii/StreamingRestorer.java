package dev.pilotlight.gateway.pii;

import java.util.function.Consumer;

/**
 * Restores placeholders in streamed text, where one placeholder may arrive split over chunks:
 * text from an unclosed '[' is held back until the placeholder is complete (or cannot be one).
 */
public final class StreamingRestorer implements Consumer<String> {
    private static final int LONGEST_PLACEHOLDER = 16; // "[EMAIL_999999]" and friends

    private final Redaction redaction;
    private final Consumer<String> downstream;
    private final StringBuilder held = new StringBuilder();

    public StreamingRestorer(Redaction redaction, Consumer<String> downstream) {
        this.redaction = redaction;
        this.downstream = downstream;
    }

    @Override
    public void accept(String delta) {
        held.append(delta);
        int open = held.lastIndexOf("[");
        int cut = open >= 0 && held.indexOf("]", open) < 0 && held.length() - open <= LONGEST_PLACEHOLDER ? open : held.length();
        if (cut > 0) {
            downstream.accept(redaction.restore(held.substring(0, cut)));
            held.delete(0, cut);
        }
    }

    /** Sends what is still held at the end of the stream. */
    public void finish() {
        if (held.length() > 0) {
            downstream.accept(redaction.restore(held.toString()));
            held.setLength(0);
        }
    }
}
