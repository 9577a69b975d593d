package dev.pilotlight.common.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** What the line-aware readers (rule files, quota files, settings) ask of a SnakeYAML node. */
public final class YamlNodes {
    /** A name a rule file may give a route, user, tenant or model: letters, digits and . _ : @ / -, up to 128. */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}");

    private YamlNodes() {}

    /** The text of a scalar, null for a mapping or list. */
    public static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    /** A key as the file wrote it: its text, or {…} / […] for a mapping or list where a key belongs. */
    public static String keyName(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : n instanceof MappingNode ? "{…}" : "[…]";
    }

    /**
     * The fields of one mapping of a rule file by key; a key outside {@code allowed} or given twice is a problem with its
     * line (the rest are still read, so every problem is told at once).
     *
     * @param what what the mapping is, for the problem: "quota", "schedule", "roster"
     */
    public static java.util.Map<String, Node> fields(MappingNode m, java.util.Set<String> allowed, String what,
                                                     java.util.function.BiConsumer<Node, String> problem) {
        java.util.Map<String, Node> f = new java.util.LinkedHashMap<>();
        for (org.yaml.snakeyaml.nodes.NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            if (key == null || !allowed.contains(key)) {
                problem.accept(t.getKeyNode(), "unknown " + what + " key '" + keyName(t.getKeyNode()) + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            } else if (f.put(key, t.getValueNode()) != null) {
                problem.accept(t.getKeyNode(), "duplicate key '" + key + "'");
            }
        }
        return f;
    }

    /** The 1-based line the node starts on. */
    public static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }
}
