package dev.pilotlight.gateway.invoke;

import dev.pilotlight.gateway.provider.ChatTurn;
import java.util.List;

/**
 * A 64-bit hash of the caller's messages after folding case and runs of spacing, so that the cost module
 * recognises a client sending one request again and again (docs/cost.md, "Runaway loops"). Digits are
 * kept: requests from one template that differ only by a claim number are different requests, and a
 * batch of them is not a loop. One pass, no copy of the text; FNV-1a, because this only groups repeats of
 * one user: a rare collision counts two requests as one, it cannot be used against anyone else.
 */
public final class RequestFingerprint {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private RequestFingerprint() {}

    public static String of(List<ChatTurn> turns) {
        long h = OFFSET;
        for (ChatTurn t : turns) {
            h = mix(h, t.role().ordinal() + 1);
            boolean space = false;
            String s = t.content();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    space = true;
                    continue;
                }
                if (space) {
                    h = mix(h, ' ');
                    space = false;
                }
                h = mix(h, Character.toLowerCase(c));
            }
            h = mix(h, 0x1e); // end of message: "ab","c" and "a","bc" differ
        }
        return Long.toHexString(h);
    }

    private static long mix(long h, int c) {
        return (h ^ c) * PRIME;
    }
}
