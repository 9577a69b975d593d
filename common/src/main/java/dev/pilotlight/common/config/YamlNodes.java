package dev.pilotlight.common.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** What the line-aware readers (rule files, quota files, settings) ask of a SnakeYAML node. */
public final class YamlNodes {
    private YamlNodes() {}

    /** The text of a scalar, null for a mapping or list. */
    public static String scalar(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : null;
    }

    /** A key as the file wrote it: its text, or {…} / […] for a mapping or list where a key belongs. */
    public static String keyName(Node n) {
        return n instanceof ScalarNode s ? s.getValue() : n instanceof MappingNode ? "{…}" : "[…]";
    }

    /** The 1-based line the node starts on. */
    public static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }
}
