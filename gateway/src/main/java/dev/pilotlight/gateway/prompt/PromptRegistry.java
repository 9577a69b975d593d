package dev.pilotlight.gateway.prompt;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Prompts as files: {@code <dir>/routes.yaml} names the routes and prices, and
 * {@code <dir>/<promptId>/<version>.yaml} holds one version each. Everything is checked at
 * start-up; a route whose production version has no file stops the gateway.
 */
public final class PromptRegistry {

    record PromptFile(@JsonProperty(required = true) String version, @JsonProperty(required = true) String changelog,
                      @JsonProperty(required = true) String system, String template) {}

    record RouteEntry(@JsonProperty(required = true) String route, @JsonProperty(required = true) String prompt,
                      @JsonProperty(required = true) String model, @JsonProperty(required = true) String production) {}

    record PriceEntry(@JsonProperty(required = true) double input, @JsonProperty(required = true) double output) {}

    record RoutesFile(@JsonProperty(required = true) List<RouteEntry> routes, Map<String, PriceEntry> prices) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Map<String, Route> routes;
    private final Map<String, TreeMap<Semver, PromptVersion>> prompts;
    private final Map<String, Price> prices;

    private PromptRegistry(Map<String, Route> routes, Map<String, TreeMap<Semver, PromptVersion>> prompts, Map<String, Price> prices) {
        this.routes = Map.copyOf(routes);
        this.prompts = prompts;
        this.prices = Map.copyOf(prices);
    }

    public static PromptRegistry load(Path dir) {
        List<String> errors = new ArrayList<>();
        Path routesFile = dir.resolve("routes.yaml");
        RoutesFile rf;
        try {
            rf = YAML.readValue(routesFile.toFile(), RoutesFile.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(routesFile + ": " + e.getMessage().split("\n")[0], e);
        }
        Map<String, TreeMap<Semver, PromptVersion>> prompts = new HashMap<>();
        Map<String, Route> routes = new HashMap<>();
        for (RouteEntry r : rf.routes()) {
            TreeMap<Semver, PromptVersion> versions = prompts.computeIfAbsent(r.prompt(), id -> readVersions(dir.resolve(id), id, errors));
            Semver production;
            try {
                production = Semver.parse(r.production());
            } catch (IllegalArgumentException e) {
                errors.add(routesFile + ": route " + r.route() + ": production " + e.getMessage());
                continue;
            }
            if (!versions.containsKey(production)) {
                errors.add(routesFile + ": route " + r.route() + ": production version " + production + " has no file "
                        + dir.resolve(r.prompt()).resolve(production + ".yaml"));
            }
            if (routes.put(r.route(), new Route(r.route(), r.prompt(), r.model(), production)) != null) {
                errors.add(routesFile + ": route " + r.route() + " is defined twice");
            }
        }
        Map<String, Price> prices = new HashMap<>();
        if (rf.prices() != null) {
            rf.prices().forEach((model, p) -> prices.put(model, new Price(p.input(), p.output())));
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid prompts in " + dir + ":\n  " + String.join("\n  ", errors));
        }
        return new PromptRegistry(routes, prompts, prices);
    }

    private static TreeMap<Semver, PromptVersion> readVersions(Path promptDir, String promptId, List<String> errors) {
        TreeMap<Semver, PromptVersion> out = new TreeMap<>();
        if (!Files.isDirectory(promptDir)) {
            errors.add("prompt " + promptId + ": no directory " + promptDir);
            return out;
        }
        try (Stream<Path> files = Files.list(promptDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try {
                    PromptFile pf = YAML.readValue(f.toFile(), PromptFile.class);
                    Semver v = Semver.parse(pf.version());
                    if (!f.getFileName().toString().equals(v + ".yaml")) {
                        errors.add(f + ": version " + v + " does not match the file name");
                    }
                    out.put(v, new PromptVersion(promptId, v, pf.changelog(), pf.system(), pf.template()));
                } catch (IOException | IllegalArgumentException e) {
                    errors.add(f + ": " + e.getMessage().split("\n")[0]);
                }
            }
        } catch (IOException e) {
            errors.add("prompt " + promptId + ": cannot list " + promptDir + ": " + e.getMessage());
        }
        return out;
    }

    public Optional<Route> route(String name) {
        return Optional.ofNullable(routes.get(name));
    }

    public Map<String, Route> routes() {
        return routes;
    }

    public Optional<PromptVersion> version(String promptId, Semver v) {
        TreeMap<Semver, PromptVersion> versions = prompts.get(promptId);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(v));
    }

    public boolean hasVersion(String promptId, String version) {
        try {
            return version(promptId, Semver.parse(version)).isPresent();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public Optional<Price> price(String model) {
        return Optional.ofNullable(prices.get(model));
    }
}
