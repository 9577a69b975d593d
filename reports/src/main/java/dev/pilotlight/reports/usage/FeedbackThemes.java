package dev.pilotlight.reports.usage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Themes of thumbs-down comments: the words that recur across comments (each comment counts a word once), with an
 * example. Deliberately simple and explainable: a product owner reads the examples, not a model's clusters.
 */
public final class FeedbackThemes {
    public record Theme(String word, int comments, String example) {}

    private static final Set<String> STOP = Set.of("the", "a", "an", "and", "or", "to", "of", "in", "on", "it", "is", "was", "for", "with", "that",
            "this", "i", "we", "you", "they", "not", "no", "but", "be", "are", "too", "at", "as", "my", "our", "had", "has", "have", "so", "me",
            "its", "it's", "did", "do", "does", "from", "by", "there", "what");

    private FeedbackThemes() {}

    public static List<Theme> of(List<String> comments, int top) {
        Map<String, Integer> counts = new HashMap<>();
        Map<String, String> example = new HashMap<>();
        for (String c : comments) {
            Set<String> words = new HashSet<>();
            for (String w : c.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}'_\\[\\]]+")) {
                if (w.length() > 2 && !STOP.contains(w) && !w.startsWith("[")) { // placeholders such as [EMAIL_1] are not themes
                    words.add(w);
                }
            }
            for (String w : words) {
                counts.merge(w, 1, Integer::sum);
                example.putIfAbsent(w, c);
            }
        }
        List<Theme> out = new ArrayList<>();
        counts.entrySet().stream().filter(e -> e.getValue() > 1)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey())).limit(top)
                .forEach(e -> out.add(new Theme(e.getKey(), e.getValue(), example.get(e.getKey()))));
        return out;
    }
}
