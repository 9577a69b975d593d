package dev.pilotlight.gateway.provider;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.pilotlight.common.codec.JsonCodec;
import java.util.List;

/**
 * A translated provider's answer written as OpenAI writes one, so the caller's tool calls look the
 * same whichever provider made them (the gateway puts in its own id and the model the caller named).
 */
final class TranslatedAnswer {
    private TranslatedAnswer() {}

    static ObjectNode whole(String text, List<ToolExecutionRequest> calls, String finish, long in, long out) {
        ObjectNode answer = head("chat.completion");
        ObjectNode choice = answer.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        if (text == null || text.isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        toolCalls(message.putArray("tool_calls"), calls, false);
        choice.put("finish_reason", finish);
        answer.putObject("usage").put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
        return answer;
    }

    static ObjectNode toolCallChunk(List<ToolExecutionRequest> calls, boolean first) {
        ObjectNode chunk = head("chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        if (first) {
            delta.put("role", "assistant");
        }
        toolCalls(delta.putArray("tool_calls"), calls, true);
        choice.putNull("finish_reason");
        return chunk;
    }

    static ObjectNode finishChunk(String finish) {
        ObjectNode chunk = head("chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("delta");
        choice.put("finish_reason", finish);
        return chunk;
    }

    private static void toolCalls(ArrayNode out, List<ToolExecutionRequest> calls, boolean indexed) {
        for (int i = 0; i < calls.size(); i++) {
            ToolExecutionRequest c = calls.get(i);
            ObjectNode call = out.addObject();
            if (indexed) {
                call.put("index", i);
            }
            call.put("id", c.id()).put("type", "function");
            call.putObject("function").put("name", c.name()).put("arguments", c.arguments() == null ? "{}" : c.arguments());
        }
    }

    private static ObjectNode head(String object) {
        return JsonCodec.mapper().createObjectNode().put("id", "translated").put("object", object)
                .put("created", System.currentTimeMillis() / 1000);
    }
}
