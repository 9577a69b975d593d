package dev.pilotlight.gateway.catalog;

import dev.pilotlight.gateway.drift.DriftSampling;
import dev.pilotlight.gateway.drift.LanguageGuess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.pilotlight.common.DurationText;
import dev.pilotlight.gateway.cache.ResponseCache;
import dev.pilotlight.gateway.prompt.Semver;
import dev.pilotlight.gateway.provider.netty.UpstreamProtocol;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Providers, model aliases and routes, from one YAML file (docs/configuration.md, "Catalog").
 * {@code ${NAME}} and {@code ${NAME:-default}} are replaced from the given variables (the process
 * environment in production), so secrets and addresses stay out of the file. Every problem is
 * reported at once; the gateway does not start with any.
 */
public final class Catalog {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, ProviderSpec> providers;
    private final Map<String, ModelSpec> models;
    private final Map<String, Route> routes;

    private Catalog(Map<String, ProviderSpec> providers, Map<String, ModelSpec> models, Map<String, Route> routes) {
        this.providers = Map.copyOf(providers);
        this.models = Map.copyOf(models);
        this.routes = Map.copyOf(routes);
    }

    public static Catalog load(Path file, Map<String, String> variables) {
        List<String> errors = new ArrayList<>();
        String expanded = dev.pilotlight.common.config.ConfigPlaceholders.read(file, variables, "catalog", errors);
        JsonNode root;
        try {
            root = YAML.readTree(expanded);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage().split("\n")[0], e);
        }
        return new Reader(file.toString(), errors).read(root);
    }

    public Optional<Route> route(String name) {
        return Optional.ofNullable(routes.get(name));
    }

    public Map<String, Route> routes() {
        return routes;
    }

    public Optional<ModelSpec> model(String alias) {
        return Optional.ofNullable(models.get(alias));
    }

    public Map<String, ModelSpec> models() {
        return models;
    }

    public Map<String, ProviderSpec> providers() {
        return providers;
    }

    public Price price(String alias) {
        return model(alias).map(ModelSpec::price).orElse(Price.UNKNOWN);
    }

    /** Reads the tree; every error is collected with its path. */
    private static final class Reader {
        private final String file;
        private final List<String> errors;

        private final Path baseDir;

        Reader(String file, List<String> errors) {
            this.file = file;
            Path parent = Path.of(file).toAbsolutePath().getParent();
            this.baseDir = parent == null ? Path.of(".") : parent;
            this.errors = errors;
        }

        Catalog read(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(file + ": expected a mapping with providers, models and routes");
            }
            unknownKeys(root, "", Set.of("providers", "models", "routes"));
            Map<String, ProviderSpec> providers = new LinkedHashMap<>();
            fields(root.path("providers"), "providers").forEach((id, n) -> providers.put(id, provider(id, n)));
            Map<String, ModelSpec> models = new LinkedHashMap<>();
            fields(root.path("models"), "models").forEach((alias, n) -> {
                String p = text(n, "models." + alias, "provider", true);
                if (p != null && !providers.containsKey(p)) {
                    errors.add(file + ": models." + alias + ".provider '" + p + "' is not a provider of this file");
                }
                unknownKeys(n, "models." + alias, Set.of("provider", "name", "tier", "input-price", "output-price", "max-output-tokens"));
                int maxOutput = n.path("max-output-tokens").asInt(ModelSpec.DEFAULT_MAX_OUTPUT_TOKENS);
                if (!n.path("max-output-tokens").isMissingNode() && (!n.path("max-output-tokens").isInt() || maxOutput < 1)) {
                    errors.add(file + ": models." + alias + ".max-output-tokens must be a whole number of at least 1");
                }
                models.put(alias, new ModelSpec(alias, p, Optional.ofNullable(text(n, "models." + alias, "name", false)).orElse(alias),
                        Optional.ofNullable(text(n, "models." + alias, "tier", false)).orElse("standard"),
                        new Price(n.path("input-price").asDouble(0), n.path("output-price").asDouble(0)), maxOutput));
            });
            Map<String, Route> routes = new LinkedHashMap<>();
            JsonNode rs = root.path("routes");
            if (!rs.isArray() || rs.isEmpty()) {
                errors.add(file + ": routes must be a non-empty list");
            } else {
                for (int i = 0; i < rs.size(); i++) {
                    Route r = route(rs.get(i), "routes[" + i + "]", models);
                    if (r != null && routes.put(r.name(), r) != null) {
                        errors.add(file + ": route " + r.name() + " is defined twice");
                    }
                }
            }
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("invalid catalog:\n  " + String.join("\n  ", errors));
            }
            return new Catalog(providers, models, routes);
        }

        private ProviderSpec provider(String id, JsonNode n) {
            String at = "providers." + id;
            unknownKeys(n, at, Set.of("kind", "base-url", "api-key", "timeout", "max-attempts", "breaker", "http", "streams-per-connection"));
            ProviderSpec.Kind kind = null;
            String k = text(n, at, "kind", true);
            if (k != null) {
                try {
                    kind = ProviderSpec.Kind.valueOf(k.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    errors.add(file + ": " + at + ".kind '" + k + "' must be openai or anthropic");
                }
            }
            String url = text(n, at, "base-url", true);
            if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
                errors.add(file + ": " + at + ".base-url '" + url + "' must be an http(s) URL");
            }
            int attempts = n.path("max-attempts").asInt(2);
            if (attempts < 1 || attempts > 5) {
                errors.add(file + ": " + at + ".max-attempts must be between 1 and 5");
            }
            JsonNode b = n.path("breaker");
            unknownKeys(b, at + ".breaker", Set.of("failure-rate", "window", "open-for"));
            return new ProviderSpec(id, kind, url, Optional.ofNullable(text(n, at, "api-key", false)).orElse(""),
                    duration(n, at, "timeout", "30s"), attempts, (float) b.path("failure-rate").asDouble(50),
                    b.path("window").asInt(20), duration(b, at + ".breaker", "open-for", "10s"), protocol(n, at, kind));
        }

        /** {@code http: 1.1} (the default) or {@code 2}, with {@code streams-per-connection} for HTTP/2. */
        private UpstreamProtocol protocol(JsonNode n, String at, ProviderSpec.Kind kind) {
            String http = n.path("http").asText("1.1");
            int streams = n.path("streams-per-connection").asInt(100);
            if (n.has("streams-per-connection") && (!n.get("streams-per-connection").canConvertToInt() || streams < 1 || streams > 10_000)) {
                errors.add(file + ": " + at + ".streams-per-connection must be a whole number between 1 and 10000");
                streams = 100;
            }
            switch (http) {
                case "1.1":
                    if (n.has("streams-per-connection")) {
                        errors.add(file + ": " + at + ".streams-per-connection needs http: 2 (HTTP/1.1 carries one call per connection)");
                    }
                    return UpstreamProtocol.HTTP_1_1;
                case "2":
                    if (kind == ProviderSpec.Kind.ANTHROPIC) {
                        errors.add(file + ": " + at + ".http: 2 is for kind openai only (anthropic calls go through langchain4j's client)");
                    }
                    return UpstreamProtocol.http2(streams);
                default:
                    errors.add(file + ": " + at + ".http '" + http + "' must be 1.1 or 2");
                    return UpstreamProtocol.HTTP_1_1;
            }
        }

        private Route route(JsonNode n, String at, Map<String, ModelSpec> models) {
            unknownKeys(n, at, Set.of("route", "prompt", "model", "fallbacks", "cheap-model", "production", "degraded-answer", "guards", "cache",
                    "drift"));
            String name = text(n, at, "route", true);
            String prompt = text(n, at, "prompt", true);
            String model = modelRef(text(n, at, "model", true), at + ".model", models);
            List<String> fallbacks = new ArrayList<>();
            n.path("fallbacks").forEach(f -> fallbacks.add(modelRef(f.asText(), at + ".fallbacks", models)));
            String cheap = modelRef(text(n, at, "cheap-model", false), at + ".cheap-model", models);
            Semver production = null;
            String p = text(n, at, "production", true);
            if (p != null) {
                try {
                    production = Semver.parse(p);
                } catch (IllegalArgumentException e) {
                    errors.add(file + ": " + at + ".production " + e.getMessage());
                }
            }
            Guards guards = guards(n.path("guards"), at + ".guards"); // checked even when the route has other problems
            ResponseCache.Settings cache = cache(n.path("cache"), at + ".cache");
            DriftSampling drift = drift(n.path("drift"), at + ".drift");
            if (name == null || prompt == null || model == null || production == null) {
                return null;
            }
            return new Route(name, prompt, model, List.copyOf(fallbacks), cheap, production, text(n, at, "degraded-answer", false),
                    guards, cache, drift);
        }

        /** {@code drift: {sample: 0.2, max-per-second: 10, min-similarity: 0.3, languages: [en, de], topics: {name: [example, ...]}}} */
        private DriftSampling drift(JsonNode d, String at) {
            if (d.isMissingNode()) {
                return DriftSampling.OFF;
            }
            unknownKeys(d, at, Set.of("sample", "max-per-second", "min-similarity", "languages", "topics"));
            double sample = d.path("sample").asDouble(0.1);
            if (sample < 0 || sample > 1) {
                errors.add(file + ": " + at + ".sample must be from 0 to 1");
            }
            int rate = d.path("max-per-second").asInt(10);
            if (rate < 1 || rate > 1000) {
                errors.add(file + ": " + at + ".max-per-second must be from 1 to 1000");
            }
            double minSimilarity = d.path("min-similarity").asDouble(0.3);
            if (minSimilarity < -1 || minSimilarity > 1) {
                errors.add(file + ": " + at + ".min-similarity must be from -1 to 1");
            }
            Map<String, List<String>> topics = new java.util.LinkedHashMap<>();
            d.path("topics").fields().forEachRemaining(t -> {
                List<String> examples = new ArrayList<>();
                t.getValue().forEach(x -> examples.add(x.asText()));
                if (examples.isEmpty() || examples.stream().anyMatch(String::isBlank)) {
                    errors.add(file + ": " + at + ".topics." + t.getKey() + " needs a list of example phrases");
                }
                topics.put(t.getKey(), List.copyOf(examples));
            });
            if (topics.containsKey(dev.pilotlight.gateway.drift.TopicModel.OTHER)) {
                errors.add(file + ": " + at + ".topics: 'other' is the name of texts near no topic; choose another");
            }
            return new DriftSampling(sample, rate, Map.copyOf(topics), minSimilarity, languages(d.path("languages"), at + ".languages"));
        }

        /** The language codes a route's texts are told apart among; each must be a built-in profile. */
        private Set<String> languages(JsonNode list, String at) {
            Set<String> codes = new java.util.TreeSet<>();
            if (list.isMissingNode()) {
                return codes;
            }
            if (!list.isArray() || list.isEmpty()) {
                errors.add(file + ": " + at + " must be a list of language codes (omit it for all " + LanguageGuess.KNOWN.size() + ")");
                return codes;
            }
            list.forEach(c -> {
                if (!LanguageGuess.KNOWN.contains(c.asText())) {
                    errors.add(file + ": " + at + ": unknown language '" + c.asText() + "' (known: "
                            + String.join(", ", new java.util.TreeSet<>(LanguageGuess.KNOWN)) + ")");
                }
                codes.add(c.asText());
            });
            return codes;
        }

        private Guards guards(JsonNode g, String at) {
            Guards d = Guards.DEFAULT;
            if (g.isMissingNode()) {
                return d;
            }
            unknownKeys(g, at, Set.of("redact-pii", "restore-pii", "injection", "injection-threshold", "block-pii-in-output",
                    "deny-list", "log-text", "output-schema", "citations", "caller-system"));
            com.networknt.schema.JsonSchema schema = null;
            String schemaFile = g.path("output-schema").asText(null);
            if (schemaFile != null) {
                Path sf = baseDir.resolve(schemaFile);
                try {
                    schema = com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V202012)
                            .getSchema(YAML.readTree(Files.readString(sf)));
                } catch (IOException | RuntimeException e) {
                    errors.add(file + ": " + at + ".output-schema " + sf + ": " + e.getMessage());
                }
            }
            java.util.regex.Pattern citation = null;
            JsonNode cit = g.path("citations");
            unknownKeys(cit, at + ".citations", Set.of("pattern", "enforce"));
            if (!cit.isMissingNode()) {
                String pattern = cit.path("pattern").asText("\\[source:([^\\]\\s]+)\\]");
                try {
                    citation = java.util.regex.Pattern.compile(pattern);
                    if (citation.matcher("").groupCount() < 1) {
                        errors.add(file + ": " + at + ".citations.pattern needs a group for the source id");
                    }
                } catch (java.util.regex.PatternSyntaxException e) {
                    errors.add(file + ": " + at + ".citations.pattern: " + e.getDescription());
                }
            }
            String injection = g.path("injection").asText(d.injection());
            if (!Set.of("block", "flag", "off").contains(injection)) {
                errors.add(file + ": " + at + ".injection must be block, flag or off");
            }
            double threshold = g.path("injection-threshold").asDouble(d.injectionThreshold());
            if (threshold <= 0 || threshold > 1) {
                errors.add(file + ": " + at + ".injection-threshold must be in (0, 1]");
            }
            String callerSystem = g.path("caller-system").asText(d.callerSystem());
            if (!Set.of("refuse", "demote", "allow").contains(callerSystem)) {
                errors.add(file + ": " + at + ".caller-system must be refuse, demote or allow");
            }
            List<String> deny = new ArrayList<>();
            g.path("deny-list").forEach(x -> deny.add(x.asText().toLowerCase(Locale.ROOT)));
            return new Guards(g.path("redact-pii").asBoolean(d.redactPii()), g.path("restore-pii").asBoolean(d.restorePii()),
                    injection, threshold, g.path("block-pii-in-output").asBoolean(d.blockPiiInOutput()), List.copyOf(deny),
                    g.path("log-text").asBoolean(d.logText()), schema, citation, cit.path("enforce").asBoolean(true), callerSystem);
        }

        private ResponseCache.Settings cache(JsonNode c, String at) {
            ResponseCache.Settings d = ResponseCache.Settings.DEFAULT;
            if (c.isMissingNode()) {
                return d;
            }
            unknownKeys(c, at, Set.of("enabled", "ttl", "max-entries"));
            long max = c.path("max-entries").asLong(d.maxEntries());
            if (max < 1) {
                errors.add(file + ": " + at + ".max-entries must be at least 1");
            }
            return new ResponseCache.Settings(c.path("enabled").asBoolean(true), duration(c, at, "ttl", "10m"), Math.max(1, max));
        }

        private String modelRef(String alias, String at, Map<String, ModelSpec> models) {
            if (alias != null && !models.containsKey(alias)) {
                errors.add(file + ": " + at + " names unknown model '" + alias + "'");
            }
            return alias;
        }

        private Duration duration(JsonNode n, String at, String key, String dflt) {
            String s = n.path(key).asText(dflt);
            try {
                return DurationText.parse(s);
            } catch (IllegalArgumentException e) {
                errors.add(file + ": " + at + "." + key + " " + e.getMessage());
                return DurationText.parse(dflt);
            }
        }

        private String text(JsonNode n, String at, String key, boolean required) {
            JsonNode v = n.get(key);
            if (v == null || v.isNull() || v.asText().isBlank()) {
                if (required) {
                    errors.add(file + ": " + at + "." + key + " is required");
                }
                return null;
            }
            return v.asText();
        }

        private Map<String, JsonNode> fields(JsonNode n, String at) {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            if (!n.isObject() || n.isEmpty()) {
                errors.add(file + ": " + at + " must be a non-empty mapping");
                return out;
            }
            n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
            return out;
        }

        private void unknownKeys(JsonNode n, String at, Set<String> allowed) {
            if (n == null || !n.isObject()) {
                return;
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String k = it.next();
                if (!allowed.contains(k)) {
                    errors.add(file + ": unknown key " + (at.isEmpty() ? "" : at + ".") + k + " (allowed: "
                            + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
        }
    }
}
