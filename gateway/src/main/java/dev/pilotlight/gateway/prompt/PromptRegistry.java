package dev.pilotlight.gateway.prompt;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Prompts as files: {@code <dir>/<promptId>/<version>.yaml}, one file per semantic version, each
 * with a changelog line. Read once at start-up; a malformed file stops the gateway.
 */
public final class PromptRegistry {

    record PromptFile(@JsonProperty(required = true) String version, @JsonProperty(required = true) String changelog,
                      @JsonProperty(required = true) String system, String template, String model) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Map<String, TreeMap<Semver, PromptVersion>> prompts;

    private PromptRegistry(Map<String, TreeMap<Semver, PromptVersion>> prompts) {
        this.prompts = prompts;
    }

    /** Loads the versions of each prompt id from its directory under {@code dir}. */
    public static PromptRegistry load(Path dir, Collection<String> promptIds) {
        return load(dir, promptIds, m -> true);
    }

    /** As {@link #load(Path, Collection)}, refusing a version that pins a model {@code modelExists} does not know. */
    public static PromptRegistry load(Path dir, Collection<String> promptIds, java.util.function.Predicate<String> modelExists) {
        List<String> errors = new ArrayList<>();
        Map<String, TreeMap<Semver, PromptVersion>> prompts = new HashMap<>();
        for (String id : promptIds) {
            prompts.computeIfAbsent(id, x -> readVersions(dir.resolve(x), x, errors));
        }
        prompts.values().forEach(versions -> versions.values().stream().filter(v -> v.model() != null && !modelExists.test(v.model()))
                .forEach(v -> errors.add(dir.resolve(v.promptId()).resolve(v.version() + ".yaml") + ": model '" + v.model()
                        + "' is not a model alias of the catalog")));
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("invalid prompts in " + dir + ":\n  " + String.join("\n  ", errors));
        }
        return new PromptRegistry(prompts);
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
                    out.put(v, new PromptVersion(promptId, v, pf.changelog(), pf.system(), pf.template(), pf.model()));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
                    errors.add(f + ":" + line + ": " + e.getOriginalMessage().split("\n")[0]);
                } catch (IOException | IllegalArgumentException e) {
                    errors.add(f + ": " + e.getMessage().split("\n")[0]);
                }
            }
        } catch (IOException e) {
            errors.add("prompt " + promptId + ": cannot list " + promptDir + ": " + e.getMessage());
        }
        if (out.isEmpty()) {
            errors.add("prompt " + promptId + ": no versions in " + promptDir);
        }
        return out;
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

    /** Every version of a prompt, oldest first (with changelog lines). */
    public List<PromptVersion> versions(String promptId) {
        TreeMap<Semver, PromptVersion> versions = prompts.get(promptId);
        return versions == null ? List.of() : List.copyOf(versions.values());
    }
}
