package dev.pilotlight.common.config;

import dev.pilotlight.common.DurationText;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A flat settings file ({@code key: value} per line) read with a line for every value, so each
 * problem is reported as {@code file:line: reason}, all of them at once. A key the file does not set
 * takes the default its reader passes; a key the reader does not know is a problem (a typo must not
 * silently keep a default).
 */
public final class SettingsFile {
    private final String file;
    private final Map<String, ScalarNode> values = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

    private SettingsFile(String file, String text, Set<String> known) {
        this.file = file;
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            problems.add(file + ":" + (e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1) + ": YAML syntax: " + e.getProblem());
            return;
        }
        if (root == null) {
            return; // an empty file sets nothing
        }
        if (!(root instanceof MappingNode m)) {
            problems.add(file + ":" + line(root) + ": expected 'key: value' lines");
            return;
        }
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
            if (key == null || !known.contains(key)) {
                problems.add(file + ":" + line(t.getKeyNode()) + ": unknown setting '" + key + "' (known: "
                        + String.join(", ", known.stream().sorted().toList()) + ")");
            } else if (!(t.getValueNode() instanceof ScalarNode v)) {
                problems.add(file + ":" + line(t.getValueNode()) + ": " + key + " takes a single value");
            } else {
                values.put(key, v);
            }
        }
    }

    /** Reads {@code path}; {@code known} are the keys its reader understands. */
    public static SettingsFile read(Path path, Set<String> known) {
        try {
            return new SettingsFile(path.toString(), Files.readString(path), known);
        } catch (IOException e) {
            SettingsFile f = new SettingsFile(path.toString(), "", known);
            f.problems.add(path + ":0: cannot read: " + e.getMessage());
            return f;
        }
    }

    public static SettingsFile parse(String name, String text, Set<String> known) {
        return new SettingsFile(name, text, known);
    }

    public Duration duration(String key, Duration dflt) {
        ScalarNode n = values.get(key);
        if (n == null) {
            return dflt;
        }
        try {
            Duration d = DurationText.parse(n.getValue());
            if (!d.isZero()) {
                return d;
            }
            problem(n, key + " must be longer than 0");
        } catch (IllegalArgumentException e) {
            problem(n, key + ": " + e.getMessage());
        }
        return dflt;
    }

    public double number(String key, double dflt, double min, double max) {
        ScalarNode n = values.get(key);
        if (n == null) {
            return dflt;
        }
        try {
            double v = Double.parseDouble(n.getValue());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(n, key + " must be a number from " + min + " to " + max + ", got '" + n.getValue() + "'");
        return dflt;
    }

    public int integer(String key, int dflt, int min, int max) {
        ScalarNode n = values.get(key);
        if (n == null) {
            return dflt;
        }
        try {
            int v = Integer.parseInt(n.getValue());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(n, key + " must be a whole number from " + min + " to " + max + ", got '" + n.getValue() + "'");
        return dflt;
    }

    /** The value as written (a time zone, say: its reader checks it and reports with {@link #problem(String, String)}). */
    public String text(String key, String dflt) {
        ScalarNode n = values.get(key);
        return n == null ? dflt : n.getValue().trim();
    }

    /** One of {@code allowed} (a method's name, say). */
    public String choice(String key, String dflt, java.util.List<String> allowed) {
        ScalarNode n = values.get(key);
        if (n == null) {
            return dflt;
        }
        if (allowed.contains(n.getValue())) {
            return n.getValue();
        }
        problem(n, key + " must be one of " + String.join(", ", allowed) + ", got '" + n.getValue() + "'");
        return dflt;
    }

    /** Adds a problem about a key's value (a rule between settings), at that key's line. */
    public void problem(String key, String reason) {
        ScalarNode n = values.get(key);
        problems.add(file + ":" + (n == null ? 0 : line(n)) + ": " + reason);
    }

    /** @throws IllegalArgumentException listing every problem found, one per line */
    public void requireValid() {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
    }

    private void problem(ScalarNode n, String reason) {
        problems.add(file + ":" + line(n) + ": " + reason);
    }

    private static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }
}
