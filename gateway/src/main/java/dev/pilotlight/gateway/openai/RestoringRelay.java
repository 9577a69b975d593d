package dev.pilotlight.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.gateway.pii.Redaction;
import dev.pilotlight.gateway.pii.StreamingRestorer;
import dev.pilotlight.gateway.provider.Delta;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Puts personal data back into a streamed answer, piece by piece, for either kind of piece: text
 * (translated providers) or a provider's own chunk, whose {@code delta.content} and tool-call
 * argument fragments are replaced by restored text while every other field passes as it came. A
 * placeholder split over chunks is held back until complete (one holder for the content, one per
 * tool call), and what is held goes out before the chunk that finishes the choice.
 */
public final class RestoringRelay implements Consumer<Delta> {
    private final Redaction redaction;
    private final Consumer<Delta> downstream;
    private final Restorer content;
    private final Map<Integer, Restorer> toolArguments = new TreeMap<>();

    /** One stream of text being restored, and what it let through so far. */
    private static final class Restorer {
        final StringBuilder out = new StringBuilder();
        final StreamingRestorer restorer;

        Restorer(Redaction redaction) {
            restorer = new StreamingRestorer(redaction, out::append);
        }

        String pass(String text) {
            restorer.accept(text);
            return take();
        }

        String rest() {
            restorer.finish();
            return take();
        }

        private String take() {
            String s = out.toString();
            out.setLength(0);
            return s;
        }
    }

    public RestoringRelay(Redaction redaction, Consumer<Delta> downstream) {
        this.redaction = redaction;
        this.downstream = downstream;
        this.content = new Restorer(redaction);
    }

    @Override
    public void accept(Delta d) {
        ObjectNode chunk = d.chunk();
        if (chunk == null) {
            downstream.accept(Delta.text(content.pass(d.text())));
            return;
        }
        ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
        if (choice.path("finish_reason").isTextual()) {
            flush(chunk);
        }
        if (choice.get("delta") instanceof ObjectNode delta) {
            if (delta.path("content").isTextual()) {
                delta.put("content", content.pass(delta.get("content").asText()));
            }
            for (JsonNode call : delta.path("tool_calls")) {
                if (call.path("function").get("arguments") != null && call.path("function").get("arguments").isTextual()) {
                    Restorer r = toolArguments.computeIfAbsent(call.path("index").asInt(0), i -> new Restorer(redaction));
                    ((ObjectNode) call.get("function")).put("arguments", r.pass(call.get("function").get("arguments").asText()));
                }
            }
        }
        downstream.accept(new Delta(d.text(), chunk));
    }

    /** Sends what is still held at the end of a stream that never said it finished. */
    public void finish() {
        String rest = content.rest();
        if (!rest.isEmpty()) {
            downstream.accept(Delta.text(rest));
        }
    }

    /** What is held goes out in one chunk shaped like the finishing one, before it. */
    private void flush(ObjectNode finishing) {
        ObjectNode extra = finishing.deepCopy();
        ObjectNode choice = (ObjectNode) extra.get("choices").get(0);
        choice.putNull("finish_reason");
        ObjectNode delta = choice.putObject("delta");
        boolean any = false;
        String text = content.rest();
        if (!text.isEmpty()) {
            delta.put("content", text);
            any = true;
        }
        for (Map.Entry<Integer, Restorer> t : toolArguments.entrySet()) {
            String held = t.getValue().rest();
            if (!held.isEmpty()) {
                delta.withArray("tool_calls").addObject().put("index", t.getKey()).putObject("function").put("arguments", held);
                any = true;
            }
        }
        if (any) {
            downstream.accept(new Delta(text, extra));
        }
    }
}
