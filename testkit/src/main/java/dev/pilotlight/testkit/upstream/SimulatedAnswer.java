package dev.pilotlight.testkit.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the simulated provider answers a chat request with, as a real one would: a call of the
 * caller's tool when tools are offered and the last message is not a tool's result (arguments made
 * from the tool's parameter schema, strings carrying the user's last words); an answer that reads
 * the tool's result after one; JSON that fits {@code response_format}'s schema, or any JSON object
 * in JSON mode; a log-probability when asked; plain text otherwise.
 */
record SimulatedAnswer(String content, String toolName, String toolArguments, String finishReason, boolean logprobs) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static SimulatedAnswer of(JsonNode req, String text, String lastUserText) {
        boolean logprobs = req.path("logprobs").asBoolean(false);
        JsonNode messages = req.path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        JsonNode tools = req.path("tools");
        if (tools.isArray() && !tools.isEmpty() && !"tool".equals(last.path("role").asText()) && !"none".equals(req.path("tool_choice").asText())) {
            JsonNode tool = chosen(tools, req.path("tool_choice"));
            JsonNode args = sample(tool.path("function").path("parameters"), lastUserText);
            return new SimulatedAnswer(null, tool.path("function").path("name").asText(), args.toString(), "tool_calls", logprobs);
        }
        if ("tool".equals(last.path("role").asText())) {
            text = "Tool result received: " + (last.path("content").isTextual() ? last.get("content").asText() : last.path("content").toString());
        }
        JsonNode format = req.path("response_format");
        if ("json_schema".equals(format.path("type").asText())) {
            return new SimulatedAnswer(sample(format.path("json_schema").path("schema"), lastUserText).toString(), null, null, "stop", logprobs);
        }
        if ("json_object".equals(format.path("type").asText())) {
            return new SimulatedAnswer(JSON.createObjectNode().put("answer", text).toString(), null, null, "stop", logprobs);
        }
        return new SimulatedAnswer(text, null, null, "stop", logprobs);
    }

    /**
     * The same in Anthropic's format: {@code tools[].input_schema}; the last user message holding a
     * {@code tool_result} block is a tool's result.
     */
    static SimulatedAnswer ofAnthropic(JsonNode req, String text, String lastUserText) {
        JsonNode messages = req.path("messages");
        JsonNode last = messages.path(messages.size() - 1);
        JsonNode result = null;
        for (JsonNode block : last.path("content")) {
            if ("tool_result".equals(block.path("type").asText())) {
                result = block;
            }
        }
        if (result != null) {
            JsonNode c = result.path("content");
            String said = c.isTextual() ? c.asText() : c.path(0).path("text").asText(c.toString());
            return new SimulatedAnswer("Tool result received: " + said, null, null, "stop", false);
        }
        JsonNode tools = req.path("tools");
        if (tools.isArray() && !tools.isEmpty() && !"none".equals(req.path("tool_choice").path("type").asText())) {
            JsonNode tool = tools.get(0);
            return new SimulatedAnswer(null, tool.path("name").asText(), sample(tool.path("input_schema"), lastUserText).toString(),
                    "tool_calls", false);
        }
        return new SimulatedAnswer(text, null, null, "stop", false);
    }

    /** {@code tool_choice: {"type":"function","function":{"name":...}}} picks one; otherwise the first tool. */
    private static JsonNode chosen(JsonNode tools, JsonNode choice) {
        String name = choice.path("function").path("name").asText(null);
        for (JsonNode t : tools) {
            if (name == null || name.equals(t.path("function").path("name").asText())) {
                return t;
            }
        }
        return tools.get(0);
    }

    /** A value that fits a JSON Schema (objects, arrays, strings, numbers, booleans, enums). */
    static JsonNode sample(JsonNode schema, String text) {
        if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        switch (schema.path("type").asText("object")) {
            case "object" -> {
                ObjectNode o = JSON.createObjectNode();
                for (Map.Entry<String, JsonNode> p : iterable(schema.path("properties"))) {
                    o.set(p.getKey(), sample(p.getValue(), text));
                }
                return o;
            }
            case "array" -> {
                ArrayNode a = JSON.createArrayNode();
                a.add(sample(schema.path("items"), text));
                return a;
            }
            case "integer" -> {
                return JSON.getNodeFactory().numberNode(Math.max(1, schema.path("minimum").asInt(1)));
            }
            case "number" -> {
                return JSON.getNodeFactory().numberNode(Math.max(0.5, schema.path("minimum").asDouble(0.5)));
            }
            case "boolean" -> {
                return JSON.getNodeFactory().booleanNode(true);
            }
            default -> {
                return JSON.getNodeFactory().textNode(text.length() > 80 ? text.substring(0, 80) : text);
            }
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        node.fields().forEachRemaining(out::add);
        return out;
    }

    /** A fresh tool-call id as the provider spells them (OpenAI's call_..., Anthropic's toolu_...). */
    static String callId(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    void message(ObjectNode message) {
        message.put("role", "assistant");
        if (toolName == null) {
            message.put("content", content);
            message.putNull("refusal");
            return;
        }
        message.putNull("content");
        ObjectNode call = message.putArray("tool_calls").addObject();
        call.put("id", callId("call_"));
        call.put("type", "function");
        call.putObject("function").put("name", toolName).put("arguments", toolArguments);
    }

    /** A tool call as a stream sends it: the call's head, then its arguments in pieces. */
    List<ObjectNode> toolCallDeltas() {
        List<ObjectNode> out = new ArrayList<>();
        if (toolName == null) {
            return out;
        }
        ObjectNode head = JSON.createObjectNode().put("index", 0).put("id", callId("call_"))
                .put("type", "function");
        head.putObject("function").put("name", toolName).put("arguments", "");
        out.add(head);
        for (int i = 0; i < toolArguments.length(); i += 8) {
            ObjectNode piece = JSON.createObjectNode().put("index", 0);
            piece.putObject("function").put("arguments", toolArguments.substring(i, Math.min(toolArguments.length(), i + 8)));
            out.add(piece);
        }
        return out;
    }
}
