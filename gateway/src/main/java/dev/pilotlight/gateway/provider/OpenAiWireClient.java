package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.provider.netty.LineSplitter;
import dev.pilotlight.gateway.provider.netty.ResponseListener;
import dev.pilotlight.gateway.provider.netty.UpstreamHttp;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A provider that speaks OpenAI's format (OpenAI, Azure OpenAI, vLLM, Ollama's /v1, the simulated
 * upstream), reached without translation: the caller's request goes as JSON bytes with only the
 * model name changed, and the answer comes back as the provider wrote it, every field kept
 * (docs/compatibility.md). Calls are non-blocking ({@link UpstreamHttp}): the answer, or each
 * streamed chunk, is handled on the connection's event loop when it arrives. The gateway decides
 * retries and fallbacks; errors are classified by status.
 */
public final class OpenAiWireClient implements ModelClient {
    /** Longest answer (or stream line) read from a provider. */
    static final int MAX_ANSWER_BYTES = 32 * 1024 * 1024;

    private final ProviderSpec spec;
    private final UpstreamHttp http;
    private final URI chatUri;
    private final URI embeddingsUri;

    public OpenAiWireClient(ProviderSpec spec, UpstreamHttp http) {
        this.spec = spec;
        this.http = http;
        String base = spec.baseUrl().endsWith("/") ? spec.baseUrl().substring(0, spec.baseUrl().length() - 1) : spec.baseUrl();
        this.chatUri = URI.create(base + "/chat/completions");
        this.embeddingsUri = URI.create(base + "/embeddings");
    }

    @Override
    public CompletableFuture<ChatResult> call(ChatCall call, Consumer<Delta> onDelta) {
        ObjectNode body = body(call);
        CompletableFuture<ChatResult> out = new CompletableFuture<>();
        long start = System.nanoTime();
        if (onDelta == null) {
            http.post(chatUri, spec.protocol(), headers(call.promptVersion()), JsonCodec.encode(body), spec.timeout(), new Whole<>(out, answer -> {
                JsonNode choice = answer.path("choices").path(0);
                JsonNode message = choice.path("message");
                JsonNode usage = answer.path("usage");
                return new ChatResult(message.path("content").isTextual() ? message.get("content").asText() : null,
                        usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0),
                        choice.path("finish_reason").asText("stop"), millisSince(start), message.path("tool_calls").size(), answer);
            }));
            return out;
        }
        body.put("stream", true);
        // usage is always asked for (cost accounting); the caller sees a usage chunk only if it asked
        (body.get("stream_options") instanceof ObjectNode o ? o : body.putObject("stream_options")).put("include_usage", true);
        http.post(chatUri, spec.protocol(), headers(call.promptVersion()), JsonCodec.encode(body), spec.timeout(), new Streamed(out, onDelta, start));
        return out;
    }

    @Override
    public CompletableFuture<ObjectNode> embed(String modelName, ObjectNode body) {
        body.put("model", modelName);
        CompletableFuture<ObjectNode> out = new CompletableFuture<>();
        http.post(embeddingsUri, spec.protocol(), headers(null), JsonCodec.encode(body), spec.timeout(), new Whole<>(out, answer -> answer));
        return out;
    }

    /** The caller's body with this provider's model name in, or one made from the turns (route API). */
    private static ObjectNode body(ChatCall call) {
        ObjectNode body;
        if (call.body() != null) {
            body = call.body().json();
        } else {
            body = JsonCodec.mapper().createObjectNode();
            ArrayNode messages = body.putArray("messages");
            for (ChatTurn t : call.turns()) {
                messages.addObject().put("role", t.role().name().toLowerCase(java.util.Locale.ROOT)).put("content", t.content());
            }
            if (call.maxTokens() != null) {
                body.put("max_tokens", call.maxTokens());
            }
            if (call.temperature() != null) {
                body.put("temperature", call.temperature());
            }
        }
        body.put("model", call.modelName());
        return body;
    }

    private Map<String, String> headers(String promptVersion) {
        Map<String, String> h = new HashMap<>(4);
        h.put("Authorization", "Bearer " + (spec.apiKey() == null || spec.apiKey().isBlank() ? "unused" : spec.apiKey()));
        h.put("Accept", "application/json, text/event-stream");
        if (promptVersion != null) {
            h.put(Langchain4jClient.PROMPT_VERSION_HEADER, promptVersion);
        }
        return h;
    }

    private static ObjectNode json(String text) {
        try {
            return object(JsonCodec.mapper().readTree(text), () -> text);
        } catch (IOException e) {
            throw UpstreamStatus.malformed();
        }
    }

    /** An answer's bytes parsed where they are (no copy to a String first: parsing UTF-8 bytes is the faster path). */
    private static ObjectNode json(AnswerBytes bytes) {
        try {
            return object(bytes.tree(), bytes::text);
        } catch (IOException e) {
            throw UpstreamStatus.malformed();
        }
    }

    private static ObjectNode object(JsonNode node, Supplier<String> text) {
        if (node instanceof ObjectNode o) {
            if (o.has("error")) {
                throw UpstreamStatus.failure(500, text.get()); // an error event in the middle of a stream
            }
            return o;
        }
        throw UpstreamStatus.malformed();
    }

    /** An answer's body as it arrives, read by the parser from the buffer it was written to. */
    private static final class AnswerBytes extends ByteArrayOutputStream {
        AnswerBytes() {
            super(1024);
        }

        JsonNode tree() throws IOException {
            return JsonCodec.mapper().readTree(buf, 0, count);
        }

        String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }

    /** What a listener's failure means to the chain: a classified ProviderFailure, or the caller's departure as it was. */
    private static Throwable classified(Throwable cause) {
        if (cause instanceof ProviderFailure || cause instanceof ClientCancelled) {
            return cause;
        }
        if (cause instanceof IOException io) {
            return UpstreamStatus.ioFailure(io);
        }
        return ProviderFailure.classify(cause);
    }

    /** A whole answer, read to its end and then parsed. */
    private static final class Whole<T> implements ResponseListener {
        private final CompletableFuture<T> out;
        private final java.util.function.Function<ObjectNode, T> parse;
        private final AnswerBytes bytes = new AnswerBytes();
        private int status;

        Whole(CompletableFuture<T> out, java.util.function.Function<ObjectNode, T> parse) {
            this.out = out;
            this.parse = parse;
        }

        @Override
        public void status(int code) {
            status = code;
        }

        @Override
        public void content(ByteBuf piece) {
            if (bytes.size() + piece.readableBytes() > MAX_ANSWER_BYTES) {
                throw UpstreamStatus.malformed();
            }
            try {
                piece.getBytes(piece.readerIndex(), bytes, piece.readableBytes());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not throw
            }
        }

        @Override
        public void end() {
            try {
                if (status < 200 || status > 299) {
                    throw UpstreamStatus.failure(status, bytes.text());
                }
                out.complete(parse.apply(json(bytes)));
            } catch (RuntimeException e) {
                out.completeExceptionally(classified(e));
            }
        }

        @Override
        public void failure(Throwable cause) {
            out.completeExceptionally(classified(cause));
        }
    }

    /** A streamed answer: each chunk tallied and relayed as it arrives. */
    private static final class Streamed implements ResponseListener {
        private final CompletableFuture<ChatResult> out;
        private final Consumer<Delta> onDelta;
        private final long start;
        private final StreamTally tally = new StreamTally();
        private final ByteArrayOutputStream error = new ByteArrayOutputStream();
        private final LineSplitter lines = new LineSplitter(MAX_ANSWER_BYTES, this::line);
        private int status;
        private boolean done;

        Streamed(CompletableFuture<ChatResult> out, Consumer<Delta> onDelta, long start) {
            this.out = out;
            this.onDelta = onDelta;
            this.start = start;
        }

        @Override
        public void status(int code) {
            status = code;
        }

        @Override
        public void content(ByteBuf piece) {
            if (status < 200 || status > 299) {
                byte[] b = new byte[Math.min(piece.readableBytes(), 64 * 1024)];
                piece.getBytes(piece.readerIndex(), b);
                error.write(b, 0, b.length);
                return;
            }
            lines.feed(piece); // a listener's ClientCancelled ends the call and closes the connection
        }

        private void line(String line) {
            if (done || !line.startsWith("data:")) {
                return; // event names, comments, blank separators, anything after [DONE]
            }
            String data = line.substring(5).strip();
            if (data.equals("[DONE]")) {
                done = true;
                return;
            }
            Delta d = tally.add(json(data));
            if (d != null) {
                onDelta.accept(d);
            }
        }

        @Override
        public void end() {
            if (status < 200 || status > 299) {
                out.completeExceptionally(UpstreamStatus.failure(status, error.toString(StandardCharsets.UTF_8)));
                return;
            }
            out.complete(tally.result(millisSince(start)));
        }

        @Override
        public void failure(Throwable cause) {
            out.completeExceptionally(classified(cause));
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
