package dev.pilotlight.gateway.text;

import com.ibm.icu.text.SpoofChecker;
import java.text.Normalizer;

/**
 * What the input guards see instead of the raw text, so that look-alike characters cannot hide
 * personal data or an injection from them (docs/security.md): NFKC (full-width and compatibility
 * forms become plain ones), invisible format characters removed (zero-width spaces and joiners, word
 * joiners, soft hyphens, BOMs, bidi controls), and, for injection scoring, letters that only look
 * Latin (Cyrillic а, Greek ο ...) folded to the Latin letter they imitate, after Unicode's
 * confusables data (UTS #39, through ICU). Plain ASCII text is returned as it is, at no cost.
 */
public final class TextFold {
    private static final SpoofChecker CONFUSABLES = new SpoofChecker.Builder().build();

    private TextFold() {}

    /** NFKC without invisible format characters: the text PII detection and the provider see. */
    public static String normalize(String text) {
        if (text == null || isPlainAscii(text)) {
            return text;
        }
        String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC);
        StringBuilder out = new StringBuilder(nfkc.length());
        for (int i = 0; i < nfkc.length(); i++) {
            char c = nfkc.charAt(i);
            if (Character.getType(c) != Character.FORMAT) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * {@link #normalize} and then every non-ASCII letter whose confusable skeleton is ASCII replaced by
     * it; ASCII is left alone (the skeleton of plain "m" is "rn", which would only blur real words).
     */
    public static String foldLookalikes(String text) {
        String n = normalize(text);
        if (n == null || isPlainAscii(n)) {
            return n;
        }
        StringBuilder out = new StringBuilder(n.length());
        for (int i = 0; i < n.length(); ) {
            int cp = n.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 128) {
                out.append((char) cp);
                continue;
            }
            String skeleton = CONFUSABLES.getSkeleton(new String(Character.toChars(cp)));
            out.append(isPlainAscii(skeleton) && !skeleton.isEmpty() ? skeleton : new String(Character.toChars(cp)));
        }
        return out.toString();
    }

    private static boolean isPlainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }
}
