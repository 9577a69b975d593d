package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.provider.http.OkHttpTransports;
import java.io.IOException;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * A provider that speaks OpenAI's format (OpenAI, Azure OpenAI, vLLM, Ollama's /v1, the simulated
 * upstream), reached without translation: the caller's request goes as JSON bytes with only the
 * model name changed, and the answer comes back as the provider wrote it, every field kept
 * (docs/compatibility.md). Plain calls and streams are read on the calling thread from a shared
 * keep-alive pool. The gateway decides retries and fallbacks; errors are classified by status.
 */
public final class OpenAiWireClient implements ModelClient {
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

    private final ProviderSpec spec;
    private final OkHttpClient http;
    private final String chatUrl;
    private final String embeddingsUrl;

    public OpenAiWireClient(ProviderSpec spec, OkHttpTransports transports) {
        this.spec = spec;
        this.http = transports.client(spec.timeout());
        String base = spec.baseUrl().endsWith("/") ? spec.baseUrl().substring(0, spec.baseUrl().length() - 1) : spec.baseUrl();
        this.chatUrl = base + "/chat/completions";
        this.embeddingsUrl = base + "/embeddings";
    }

    @Override
    public ChatResult chat(ChatCall call) {
        ObjectNode body = body(call);
        long start = System.nanoTime();
        try (Response r = http.newCall(post(chatUrl, call.promptVersion(), body)).execute()) {
            ObjectNode answer = answer(r);
            JsonNode choice = answer.path("choices").path(0);
            JsonNode message = choice.path("message");
            JsonNode usage = answer.path("usage");
            return new ChatResult(message.path("content").isTextual() ? message.get("content").asText() : null,
                    usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0),
                    choice.path("finish_reason").asText("stop"), millisSince(start), message.path("tool_calls").size(), answer);
        } catch (IOException e) {
            throw UpstreamStatus.ioFailure(e);
        }
    }

    @Override
    public ChatResult stream(ChatCall call, Consumer<Delta> onDelta) {
        ObjectNode body = body(call);
        body.put("stream", true);
        // usage is always asked for (cost accounting); the caller sees a usage chunk only if it asked
        (body.get("stream_options") instanceof ObjectNode o ? o : body.putObject("stream_options")).put("include_usage", true);
        long start = System.nanoTime();
        Call c = http.newCall(post(chatUrl, call.promptVersion(), body));
        try (Response r = c.execute()) {
            if (!r.isSuccessful()) {
                throw UpstreamStatus.failure(r.code(), r.body() == null ? "" : r.body().string());
            }
            StreamTally tally = new StreamTally();
            BufferedSource in = r.body().source();
            String line;
            while ((line = in.readUtf8Line()) != null) {
                if (!line.startsWith("data:")) {
                    continue; // event names, comments, blank separators
                }
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) {
                    break;
                }
                ObjectNode chunk = chunk(data);
                Delta d = tally.add(chunk);
                if (d != null) {
                    try {
                        onDelta.accept(d);
                    } catch (ClientCancelled gone) {
                        c.cancel(); // stop reading (and paying for) an answer nobody reads
                        throw gone;
                    }
                }
            }
            return tally.result(millisSince(start));
        } catch (IOException e) {
            throw UpstreamStatus.ioFailure(e);
        }
    }

    @Override
    public ObjectNode embed(String modelName, ObjectNode body) {
        body.put("model", modelName);
        try (Response r = http.newCall(post(embeddingsUrl, null, body)).execute()) {
            return answer(r);
        } catch (IOException e) {
            throw UpstreamStatus.ioFailure(e);
        }
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

    private Request post(String url, String promptVersion, ObjectNode body) {
        Request.Builder b = new Request.Builder().url(url).post(RequestBody.create(JsonCodec.encode(body), JSON))
                .header("Authorization", "Bearer " + (spec.apiKey() == null || spec.apiKey().isBlank() ? "unused" : spec.apiKey()));
        if (promptVersion != null) {
            b.header(Langchain4jClient.PROMPT_VERSION_HEADER, promptVersion);
        }
        return b.build();
    }

    private static ObjectNode answer(Response r) throws IOException {
        String text = r.body() == null ? "" : r.body().string();
        if (!r.isSuccessful()) {
            throw UpstreamStatus.failure(r.code(), text);
        }
        return chunk(text);
    }

    private static ObjectNode chunk(String text) {
        try {
            JsonNode n = JsonCodec.mapper().readTree(text);
            if (n instanceof ObjectNode o) {
                if (o.has("error")) {
                    throw UpstreamStatus.failure(500, text); // an error event in the middle of a stream
                }
                return o;
            }
        } catch (IOException e) {
            // falls through: not JSON
        }
        throw UpstreamStatus.malformed();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
