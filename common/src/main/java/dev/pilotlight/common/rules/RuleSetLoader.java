package dev.pilotlight.common.rules;

import dev.pilotlight.common.DurationText;
import dev.pilotlight.common.control.CommandType;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads and validates rule files. It reports every problem it finds, each with file, line and
 * reason, rather than stopping at the first; a job must not start with any of them.
 * SnakeYAML's node tree is used (not data binding) because it keeps a line for every value.
 */
public final class RuleSetLoader {


    private RuleSetLoader() {}

    /** Loads one file or every {@code *.yaml}/{@code *.yml} file of a directory. */
    public static RuleSet load(Path fileOrDir) {
        return parse(read(fileOrDir));
    }

    /**
     * When the rule files last changed: the newest modification time of the file, or of the directory and
     * its rule files (a removed file changes the directory). A set published to guard.rules after this
     * is newer than the files (docs/rules.md, "Which rules are in force").
     */
    public static long lastModified(Path fileOrDir) {
        List<Path> paths = new ArrayList<>(List.of(fileOrDir));
        if (Files.isDirectory(fileOrDir)) {
            read(fileOrDir).keySet().forEach(f -> paths.add(Path.of(f)));
        }
        long newest = 0;
        for (Path p : paths) {
            try {
                newest = Math.max(newest, Files.getLastModifiedTime(p).toMillis());
            } catch (IOException e) {
                throw new RuleValidationException(List.of(new RuleProblem(p.toString(), 0, "cannot read: " + e.getMessage())));
            }
        }
        return newest;
    }

    /** The texts of one file or of every rule file of a directory, by path, without validating them. */
    public static Map<String, String> read(Path fileOrDir) {
        List<Path> files = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            try (Stream<Path> s = Files.list(fileOrDir)) {
                s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(files::add);
            } catch (IOException e) {
                problems.add(new RuleProblem(fileOrDir.toString(), 0, "cannot list directory: " + e.getMessage()));
            }
            if (files.isEmpty() && problems.isEmpty()) {
                problems.add(new RuleProblem(fileOrDir.toString(), 0, "no rule files (*.yaml) in directory"));
            }
        } else if (Files.isRegularFile(fileOrDir)) {
            files.add(fileOrDir);
        } else {
            problems.add(new RuleProblem(fileOrDir.toString(), 0, "no such file or directory"));
        }
        Map<String, String> contents = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                contents.put(f.toString(), Files.readString(f, StandardCharsets.UTF_8));
            } catch (IOException e) {
                problems.add(new RuleProblem(f.toString(), 0, "cannot read: " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        return contents;
    }

    /** Parses named texts (name → YAML); used by {@link #load} and by anything that receives rules as text. */
    public static RuleSet parse(Map<String, String> namedTexts) {
        List<RuleProblem> problems = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        List<dev.pilotlight.common.cost.Quota> quotas = new ArrayList<>();
        List<dev.pilotlight.common.cost.Schedule> schedules = new ArrayList<>();
        List<dev.pilotlight.common.usage.Roster> rosters = new ArrayList<>();
        Map<String, String> seenIds = new LinkedHashMap<>();
        namedTexts = new java.util.TreeMap<>(namedTexts); // by name: the same files give the same version and messages
        for (Map.Entry<String, String> e : namedTexts.entrySet()) {
            new RuleFileReader(e.getKey(), problems, rules, quotas, schedules, rosters, seenIds).read(e.getValue());
        }
        if (!problems.isEmpty()) {
            throw new RuleValidationException(problems);
        }
        return new RuleSet(versionOf(namedTexts), List.copyOf(rules), List.copyOf(quotas), List.copyOf(schedules), List.copyOf(rosters));
    }

    private static String versionOf(Map<String, String> namedTexts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            namedTexts.forEach((name, text) -> {
                sha.update(Path.of(name).getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update(text.getBytes(StandardCharsets.UTF_8));
            });
            return HexFormat.of().formatHex(sha.digest(), 0, 6);
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
