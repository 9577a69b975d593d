package dev.pilotlight.gateway.output;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether an answer is a refusal: the provider stopped it for content, or it opens the way models
 * decline ("I'm sorry, but I can't…", "I cannot help with…"). Only the opening is read: an answer
 * that quotes a refusal later is not one. A drift feature, never a reason to withhold an answer.
 */
public final class RefusalCheck {
    private static final Pattern OPENING = Pattern.compile(
            "^(i'?m sorry,? but |sorry,? but |unfortunately,? )?(i|we) (can(no|')t|cannot|am unable to|'m unable to|won'?t be able to) "
                    + "(help|assist|provide|comply|do that|fulfil|fulfill|answer|write|draft)");

    private RefusalCheck() {}

    public static boolean isRefusal(String finishReason, String text) {
        if ("content_filter".equals(finishReason)) {
            return true;
        }
        if (text == null) {
            return false;
        }
        String lead = text.stripLeading();
        // only the opening is read, so only the opening is copied and lower-cased (an answer can be long)
        String opening = lead.substring(0, Math.min(160, lead.length())).replace('\u2019', '\'').toLowerCase(Locale.ROOT);
        return OPENING.matcher(opening).find();
    }
}
