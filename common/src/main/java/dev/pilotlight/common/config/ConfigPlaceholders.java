package dev.pilotlight.common.config;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${NAME}} and {@code ${NAME:-default}} in YAML configuration files, replaced from the given
 * variables (the process environment in production) so secrets and addresses stay out of the file.
 * Comments are left alone, so a commented-out example never needs its variable set.
 */
public final class ConfigPlaceholders {
    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    private ConfigPlaceholders() {}

    /**
     * Reads a configuration file and expands its placeholders.
     *
     * @param what names the file in the error, e.g. "catalog"
     * @throws IllegalArgumentException when the file cannot be read
     */
    public static String read(java.nio.file.Path file, Map<String, String> variables, String what, List<String> errors) {
        String text;
        try {
            text = java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
        return expand(text, variables, file.toString(), errors);
    }

    /** Replaces placeholders outside comments; each unset variable without default adds "file: variable ${X} is not set". */
    public static String expand(String text, Map<String, String> variables, String file, List<String> errors) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            int comment = commentStart(line);
            sb.append(substitute(line.substring(0, comment), variables, file, errors)).append(line.substring(comment)).append('\n');
        }
        return sb.toString();
    }

    private static String substitute(String s, Map<String, String> variables, String file, List<String> errors) {
        Matcher m = VAR.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = variables.get(m.group(1));
            if (v == null) {
                v = m.group(2);
            }
            if (v == null) {
                errors.add(file + ": variable ${" + m.group(1) + "} is not set");
                v = "";
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Where a YAML comment starts ('#' at the start or after a blank, outside quotes); the length if none. */
    private static int commentStart(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return i;
            }
        }
        return line.length();
    }
}
