package dev.pilotlight.gateway.tiering;

import dev.pilotlight.gateway.provider.ChatTurn;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides, without a model call, whether a request is simple enough for a route's cheap tier
 * (playbook §3.A "Model Tiering"): short, few turns, no code or data to reason over, and none of
 * the words that ask for analysis. Errs towards "complex": a wrong "simple" costs quality.
 */
public final class QueryClassifier {
    public static final String SIMPLE = "simple";
    public static final String COMPLEX = "complex";

    private static final Pattern REASONING = Pattern.compile(
            "\\b(analy[sz]e|compare|explain why|step[- ]by[- ]step|reason|evaluate|justify|trade-?offs?|prove|calculate)\\b");
    /** Stems one of which REASONING needs: text without any is not searched (the pattern tried at every position was most of this). */
    private static final List<String> REASONING_STEMS = List.of("analy", "compar", "explain why", "step", "reason", "evaluat", "justif",
            "trade", "prove", "calculat");
    private static final Pattern STRUCTURED = Pattern.compile("```|\\{\\s*\"|<\\w+>|\\|.*\\|");

    private final int maxSimpleChars;
    private final int maxSimpleTurns;

    public QueryClassifier(int maxSimpleChars, int maxSimpleTurns) {
        this.maxSimpleChars = maxSimpleChars;
        this.maxSimpleTurns = maxSimpleTurns;
    }

    public String classify(List<ChatTurn> turns) {
        int chars = 0;
        int userTurns = 0;
        for (ChatTurn t : turns) {
            if (t.role() == ChatTurn.Role.USER) {
                userTurns++;
                chars += t.content().length();
                if (chars > maxSimpleChars) {
                    return COMPLEX; // no need to look further (and no regular expression over long text)
                }
                if (asksForReasoning(t.content()) || structured(t.content())) {
                    return COMPLEX;
                }
            }
        }
        return chars <= maxSimpleChars && userTurns <= maxSimpleTurns ? SIMPLE : COMPLEX;
    }

    private static boolean asksForReasoning(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        for (String stem : REASONING_STEMS) {
            if (lower.contains(stem)) {
                return REASONING.matcher(lower).find();
            }
        }
        return false;
    }

    /** Code, JSON, markup or a table: each needs one of these characters. */
    private static boolean structured(String text) {
        return (text.indexOf('`') >= 0 || text.indexOf('{') >= 0 || text.indexOf('<') >= 0 || text.indexOf('|') >= 0)
                && STRUCTURED.matcher(text).find();
    }
}
