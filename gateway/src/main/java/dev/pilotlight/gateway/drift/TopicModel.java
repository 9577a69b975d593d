package dev.pilotlight.gateway.drift;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Assigns a text to the nearest topic of its route: all-MiniLM-L6-v2 (quantized, ONNX, in-process
 * through langchain4j, offline) embeds it, and the topic whose centroid (mean embedding of its example
 * phrases) is most similar by cosine wins; below the route's minimum similarity the text is "other".
 * Centroids come from the catalog, so every replica assigns the same names.
 */
public final class TopicModel {
    public static final String OTHER = "other";

    private record Topic(String name, float[] centroid) {}

    private final EmbeddingModel model;
    private final Map<String, List<Topic>> byRoute = new HashMap<>();

    public TopicModel(Map<String, DriftSampling> routes) {
        this.model = new OneThreadMiniLm();
        routes.forEach((route, d) -> {
            List<Topic> topics = new ArrayList<>();
            d.topics().forEach((name, examples) -> topics.add(new Topic(name, centroid(examples))));
            byRoute.put(route, topics);
        });
    }

    /** The nearest topic of {@code route} to {@code text}; null when the route has no topics or there is no text. */
    public String nearest(String route, String text, double minSimilarity) {
        List<Topic> topics = byRoute.getOrDefault(route, List.of());
        if (topics.isEmpty() || text == null || text.isBlank()) {
            return null;
        }
        float[] v = unit(model.embed(text).content().vector());
        String best = OTHER;
        double bestSim = minSimilarity;
        for (Topic t : topics) {
            double sim = dot(v, t.centroid());
            if (sim >= bestSim) {
                bestSim = sim;
                best = t.name();
            }
        }
        return best;
    }

    private float[] centroid(List<String> examples) {
        float[] sum = null;
        for (String e : examples) {
            float[] v = unit(model.embed(e).content().vector());
            if (sum == null) {
                sum = new float[v.length];
            }
            for (int i = 0; i < v.length; i++) {
                sum[i] += v[i];
            }
        }
        return unit(sum);
    }

    private static float[] unit(float[] v) {
        Embedding e = Embedding.from(v.clone());
        e.normalize();
        return e.vector();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
