package dev.pilotlight.gateway.provider;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicStreamingChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.TokenUsage;
import dev.pilotlight.gateway.catalog.ProviderSpec;
import dev.pilotlight.gateway.provider.http.OkHttpTransports;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * A provider reached through langchain4j, which translates OpenAI's request to another wire format
 * (Anthropic's; OpenAI-format providers go through {@link OpenAiWireClient} untranslated). What
 * cannot be translated is refused by name ({@link #cannotCarry}). langchain4j's own retries are off: the
 * gateway decides retries and fallbacks. The prompt version travels in a header so an upstream or
 * a proxy's logs can tell releases apart.
 */
public final class Langchain4jClient implements ModelClient {
    public static final String PROMPT_VERSION_HEADER = dev.pilotlight.common.ProviderHeaders.PROMPT_VERSION;
    private static final int DEFAULT_MAX_TOKENS = 1024;

    private final ProviderSpec spec;
    private final OkHttpTransports transports;
    private final Cache<String, ChatModel> models = Caffeine.newBuilder().maximumSize(256).build();
    private final Cache<String, StreamingChatModel> streaming = Caffeine.newBuilder().maximumSize(256).build();

    private final Executor blocking;

    /** @param blocking where its blocking calls run (langchain4j's chat models are synchronous), off the event loops */
    public Langchain4jClient(ProviderSpec spec, OkHttpTransports transports, Executor blocking) {
        this.spec = spec;
        this.transports = transports;
        this.blocking = blocking;
    }

    @Override
    public CompletableFuture<ChatResult> call(ChatCall call, Consumer<Delta> onDelta) {
        CompletableFuture<ChatResult> out = new CompletableFuture<>();
        try {
            blocking.execute(() -> {
                try {
                    out.complete(onDelta == null ? chat(call) : stream(call, onDelta));
                } catch (RuntimeException | Error e) { // whatever happens, the call ends: a caller never waits forever
                    out.completeExceptionally(e);
                }
            });
        } catch (RuntimeException | Error e) { // refused, or no thread could be started
            out.completeExceptionally(e);
        }
        return out;
    }

    private ChatResult chat(ChatCall call) {
        ChatModel m = models.get(call.modelName() + "\u001f" + call.promptVersion(), k -> build(call));
        long start = System.nanoTime();
        try {
            return result(m.chat(request(call)), start);
        } catch (RuntimeException e) {
            throw ProviderFailure.classify(e);
        }
    }

    @Override
    public Optional<String> cannotCarry(ChatCall call) {
        return call.body() == null || spec.kind() == ProviderSpec.Kind.OPENAI ? Optional.empty() : AnthropicTranslation.untranslatable(call.body());
    }

    private ChatResult stream(ChatCall call, Consumer<Delta> onDelta) {
        StreamingChatModel m = streaming.get(call.modelName() + "\u001f" + call.promptVersion(), k -> buildStreaming(call));
        long start = System.nanoTime();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        m.chat(request(call), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
                if (done.isDone()) {
                    return; // cancelled: what still arrives is dropped
                }
                try {
                    onDelta.accept(Delta.text(partial.text()));
                } catch (ClientCancelled gone) {
                    context.streamingHandle().cancel(); // stop reading (and paying for) an answer nobody reads
                    done.completeExceptionally(gone);
                }
            }

            @Override
            public void onCompleteResponse(ChatResponse r) {
                done.complete(r);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        try {
            ChatResult r = result(done.get(), start);
            if (r.toolCalls() > 0) { // langchain4j hands tool calls over whole, at the end: relayed as one delta and the finish
                List<ToolExecutionRequest> calls = done.get().aiMessage().toolExecutionRequests();
                onDelta.accept(new Delta("", TranslatedAnswer.toolCallChunk(calls, r.text() == null || r.text().isEmpty())));
                onDelta.accept(new Delta("", TranslatedAnswer.finishChunk(r.finishReason())));
            }
            return r;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ClientCancelled gone) {
                throw gone;
            }
            throw ProviderFailure.classify(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderFailure.classify(e);
        }
    }

    /** The route API's conversation: text turns only. */
    private static List<ChatMessage> textMessages(List<ChatTurn> turns) {
        List<ChatMessage> messages = new ArrayList<>(turns.size());
        for (ChatTurn t : turns) {
            messages.add(switch (t.role()) {
                case SYSTEM -> SystemMessage.from(t.content());
                case USER -> UserMessage.from(t.content());
                case ASSISTANT -> AiMessage.from(t.content());
                case TOOL -> throw new IllegalStateException("the route API has no tool turns");
            });
        }
        return messages;
    }

    private static ChatRequest request(ChatCall call) {
        List<ChatMessage> messages = call.body() != null
                ? AnthropicTranslation.messages(call.body()) // checked by cannotCarry before the call
                : textMessages(call.turns());
        ChatRequest.Builder b = ChatRequest.builder().messages(messages);
        if (call.maxTokens() != null) {
            b.maxOutputTokens(call.maxTokens());
        }
        if (call.temperature() != null) {
            b.temperature(call.temperature());
        }
        Double topP = AnthropicTranslation.topP(call.body());
        if (topP != null) {
            b.topP(topP);
        }
        List<String> stop = AnthropicTranslation.stop(call.body());
        if (!stop.isEmpty()) {
            b.stopSequences(stop);
        }
        List<ToolSpecification> tools = AnthropicTranslation.tools(call.body());
        if (!tools.isEmpty()) {
            b.toolSpecifications(tools);
            if (AnthropicTranslation.toolChoice(call.body()) != null) {
                b.toolChoice(AnthropicTranslation.toolChoice(call.body()));
            }
        }
        return b.build();
    }

    /** The answer, with an OpenAI-shaped copy when it called tools (so the caller gets its tool_calls as OpenAI writes them). */
    private static ChatResult result(ChatResponse r, long startNanos) {
        TokenUsage u = r.tokenUsage();
        long in = u == null || u.inputTokenCount() == null ? 0 : u.inputTokenCount();
        long out = u == null || u.outputTokenCount() == null ? 0 : u.outputTokenCount();
        String finish = r.finishReason() == null ? "stop" : finishReason(r.finishReason().name());
        List<ToolExecutionRequest> calls = r.aiMessage().hasToolExecutionRequests() ? r.aiMessage().toolExecutionRequests() : List.of();
        return new ChatResult(r.aiMessage().text(), in, out, finish, (System.nanoTime() - startNanos) / 1_000_000, calls.size(),
                calls.isEmpty() ? null : TranslatedAnswer.whole(r.aiMessage().text(), calls, finish, in, out));
    }

    /** langchain4j's STOP / LENGTH / CONTENT_FILTER in OpenAI's spelling. */
    private static String finishReason(String name) {
        return switch (name) {
            case "LENGTH" -> "length";
            case "CONTENT_FILTER" -> "content_filter";
            case "TOOL_EXECUTION" -> "tool_calls";
            default -> "stop";
        };
    }

    private ChatModel build(ChatCall call) {
        Map<String, String> headers = Map.of(PROMPT_VERSION_HEADER, call.promptVersion());
        return switch (spec.kind()) {
            case OPENAI -> OpenAiChatModel.builder().baseUrl(spec.baseUrl()).apiKey(key()).modelName(call.modelName())
                    .timeout(spec.timeout()).maxRetries(0).customHeaders(headers).httpClientBuilder(transports.builder()).build();
            case ANTHROPIC -> AnthropicChatModel.builder().baseUrl(spec.baseUrl()).apiKey(key()).modelName(call.modelName())
                    .maxTokens(DEFAULT_MAX_TOKENS).timeout(spec.timeout()).maxRetries(0).customHeaders(headers)
                    .httpClientBuilder(transports.builder()).build();
        };
    }

    private StreamingChatModel buildStreaming(ChatCall call) {
        Map<String, String> headers = Map.of(PROMPT_VERSION_HEADER, call.promptVersion());
        return switch (spec.kind()) {
            case OPENAI -> OpenAiStreamingChatModel.builder().baseUrl(spec.baseUrl()).apiKey(key()).modelName(call.modelName())
                    .timeout(spec.timeout()).customHeaders(headers).httpClientBuilder(transports.builder()).build();
            case ANTHROPIC -> AnthropicStreamingChatModel.builder().baseUrl(spec.baseUrl()).apiKey(key()).modelName(call.modelName())
                    .maxTokens(DEFAULT_MAX_TOKENS).timeout(spec.timeout()).customHeaders(headers)
                    .httpClientBuilder(transports.builder()).build();
        };
    }

    private String key() {
        return spec.apiKey() == null || spec.apiKey().isBlank() ? "unused" : spec.apiKey();
    }
}
