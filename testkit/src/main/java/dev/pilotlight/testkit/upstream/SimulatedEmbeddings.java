package dev.pilotlight.testkit.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/** OpenAI's embeddings answer: one unit vector per input, the same for the same text, as floats or base64 float32. */
final class SimulatedEmbeddings {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_DIMENSIONS = 8;

    private SimulatedEmbeddings() {}

    static ObjectNode answer(JsonNode req) {
        List<String> inputs = new ArrayList<>();
        JsonNode input = req.path("input");
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else {
            input.forEach(i -> inputs.add(i.isTextual() ? i.asText() : i.toString()));
        }
        int dims = req.path("dimensions").asInt(DEFAULT_DIMENSIONS);
        boolean base64 = "base64".equals(req.path("encoding_format").asText());
        ObjectNode body = JSON.createObjectNode().put("object", "list");
        ArrayNode data = body.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] v = vector(inputs.get(i), dims);
            ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer b = ByteBuffer.allocate(dims * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    b.putFloat(f);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(b.array()));
            } else {
                ArrayNode e = item.putArray("embedding");
                for (float f : v) {
                    e.add(f);
                }
            }
            tokens += Math.max(1, inputs.get(i).length() / 4);
        }
        body.put("model", req.path("model").asText("sim-embedding"));
        body.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return body;
    }

    private static float[] vector(String text, int dims) {
        Random r = new Random(text.hashCode());
        float[] v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            v[i] = (float) r.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < dims; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
