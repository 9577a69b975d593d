package dev.pilotlight.gateway.pii;

import dev.pilotlight.gateway.text.TextFold;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Personal data replaced by placeholders such as {@code [EMAIL_1]}, stable within one request:
 * the same value always gets the same placeholder, so the model can still refer to it, and the
 * answer can be restored for the caller. The mapping never leaves the gateway.
 */
public final class Redaction {
    private final PiiDetector detector;
    private final Map<String, String> placeholderOf = new LinkedHashMap<>();
    private final Map<String, String> valueOf = new LinkedHashMap<>();
    private final Map<PiiKind, Integer> counters = new java.util.EnumMap<>(PiiKind.class);
    private int redactions;
    /** The length of the longest placeholder given out: a restore looks no further for a ']' after a '['. */
    private int longestPlaceholder;

    public Redaction(PiiDetector detector) {
        this.detector = detector;
    }

    /**
     * Replaces every finding in {@code text}; call once per message of the request. The text is
     * normalised first (TextFold.normalize): full-width digits and zero-width characters cannot hide a
     * value, and what is sent on is the normalised text.
     */
    public String redact(String text) {
        text = TextFold.normalize(text);
        List<PiiDetector.Span> spans = detector.find(text);
        if (spans.isEmpty()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int at = 0;
        for (PiiDetector.Span s : spans) {
            out.append(text, at, s.start());
            out.append(placeholderOf.computeIfAbsent(s.value(), v -> {
                int n = counters.merge(s.kind(), 1, Integer::sum);
                String p = "[" + s.kind() + "_" + n + "]";
                valueOf.put(p, v);
                longestPlaceholder = Math.max(longestPlaceholder, p.length());
                return p;
            }));
            redactions++;
            at = s.end();
        }
        out.append(text, at, text.length());
        return out.toString();
    }

    /**
     * Puts the original values back into a model's answer, in one pass: the text is copied once, and only when it
     * holds a placeholder (no value can hold a '[', so restoring one cannot create another).
     */
    public String restore(String text) {
        if (text == null || valueOf.isEmpty()) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        for (int open = text.indexOf('['); open >= 0; open = text.indexOf('[', open + 1)) {
            int close = closeWithinPlaceholder(text, open);
            String value = close < 0 ? null : valueOf.get(text.substring(open, close + 1));
            if (value != null) {
                out = out == null ? new StringBuilder(text.length() + 64) : out;
                out.append(text, copied, open).append(value);
                copied = close + 1;
                open = close;
            }
        }
        return out == null ? text : out.append(text, copied, text.length()).toString();
    }

    /**
     * The ']' closing the '[' at {@code open} if it is near enough for the two to enclose a placeholder, else -1: searched
     * no further, so an answer full of '[' (a JSON array of arrays) costs a pass, not a pass per '['.
     */
    private int closeWithinPlaceholder(String text, int open) {
        int end = Math.min(text.length(), open + longestPlaceholder);
        for (int i = open + 1; i < end; i++) {
            if (text.charAt(i) == ']') {
                return i;
            }
        }
        return -1;
    }

    /** How many spans were replaced in this request. */
    public int count() {
        return redactions;
    }

    /** Whether {@code text} (a model's answer, before restoring) holds personal data the caller did not send. */
    public boolean leaks(String text) {
        return text != null && !detector.find(TextFold.normalize(text)).isEmpty();
    }
}
