package dev.pilotlight.gateway.provider;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.output.TokenUsage;
import dev.pilotlight.common.event.InvocationStatus;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Calls any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, vLLM, Ollama's /v1, the simulated
 * upstream) through langchain4j. The prompt version travels in a header so an upstream (or a
 * proxy's logs) can tell releases apart; retries are off here because the gateway decides them.
 */
public final class OpenAiCompatibleProvider {

    public static final String PROMPT_VERSION_HEADER = "X-Pilotlight-Prompt-Version";

    private final String baseUrl;
    private final String apiKey;
    private final Duration timeout;
    private final Cache<String, ChatModel> models = Caffeine.newBuilder().maximumSize(256).build();

    public OpenAiCompatibleProvider(String baseUrl, String apiKey, Duration timeout) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey == null || apiKey.isBlank() ? "unused" : apiKey;
        this.timeout = timeout;
    }

    public String name() {
        return "openai-compatible";
    }

    public ChatResult chat(String model, String promptVersion, List<ChatTurn> turns) {
        ChatModel chatModel = models.get(model + "\u001f" + promptVersion, k -> OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .modelName(model)
                .timeout(timeout)
                .maxRetries(0)
                .customHeaders(Map.of(PROMPT_VERSION_HEADER, promptVersion))
                .build());
        List<ChatMessage> messages = new ArrayList<>(turns.size());
        for (ChatTurn t : turns) {
            messages.add(switch (t.role()) {
                case SYSTEM -> SystemMessage.from(t.content());
                case USER -> UserMessage.from(t.content());
                case ASSISTANT -> AiMessage.from(t.content());
            });
        }
        long start = System.nanoTime();
        try {
            ChatResponse r = chatModel.chat(ChatRequest.builder().messages(messages).build());
            long took = (System.nanoTime() - start) / 1_000_000;
            TokenUsage u = r.tokenUsage();
            return new ChatResult(r.aiMessage().text(),
                    u == null || u.inputTokenCount() == null ? 0 : u.inputTokenCount(),
                    u == null || u.outputTokenCount() == null ? 0 : u.outputTokenCount(),
                    r.finishReason() == null ? null : r.finishReason().name().toLowerCase(java.util.Locale.ROOT), took);
        } catch (RuntimeException e) {
            long took = (System.nanoTime() - start) / 1_000_000;
            throw classify(e, took);
        }
    }

    static ProviderFailure classify(RuntimeException e, long took) {
        if (e instanceof TimeoutException || hasCause(e, HttpTimeoutException.class)) {
            return new ProviderFailure(InvocationStatus.TIMEOUT, "timeout", "upstream timed out", took, e);
        }
        if (e instanceof RateLimitException) {
            return new ProviderFailure(InvocationStatus.ERROR, "upstream_rate_limited", "upstream rate limited the call", took, e);
        }
        return new ProviderFailure(InvocationStatus.ERROR, e.getClass().getSimpleName(), "upstream call failed", took, e);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
