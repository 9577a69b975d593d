package dev.pilotlight.gateway.invoke;

import dev.pilotlight.gateway.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The id a caller gets for an invocation: its event id and two short HMAC tags, one binding it to
 * the caller's tenant and one to the caller. Any replica can then tell, without shared state, that
 * an id given with feedback is real and was served to this caller (or tenant, by policy): ids cannot
 * be made up, and one caller cannot rate another's answers (docs/security.md, "Feedback").
 */
public final class InvocationIds {
    /** Who may give feedback on an invocation: the caller it was served to, or anyone of that tenant. */
    public enum Scope { USER, TENANT }

    private static final Pattern SHAPE = Pattern.compile("[0-9a-f-]{36}\\.[A-Za-z0-9_-]{22}");
    private static final int TAG_CHARS = 11;

    private final SecretKeySpec key;
    /** One initialised Mac per thread: getting and initialising one per tag was most of an id's cost. */
    private final ThreadLocal<Mac> macs;

    /** @param controlKey the shared control key; the tag key is derived from it, so every replica agrees */
    public InvocationIds(String controlKey) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(controlKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"),
                "pilotlight invocation ids"), "HmacSHA256");
        SecretKeySpec k = this.key;
        this.macs = ThreadLocal.withInitial(() -> mac(k));
    }

    /** The id shown for event {@code eventId} served to {@code caller}. */
    public String issue(String eventId, Principal caller) {
        return eventId + "." + tag("t", eventId, caller.tenant()) + tag("u", eventId, caller.userId());
    }

    /** The event id behind {@code shown} (with or without "chatcmpl-"), if it was served to {@code caller} under {@code scope}. */
    public Optional<String> eventIdFor(String shown, Principal caller, Scope scope) {
        String id = shown.startsWith("chatcmpl-") ? shown.substring("chatcmpl-".length()) : shown;
        if (!isWellFormed(id)) {
            return Optional.empty();
        }
        String eventId = id.substring(0, 36);
        String tenantTag = id.substring(37, 37 + TAG_CHARS);
        String userTag = id.substring(37 + TAG_CHARS);
        boolean tenant = same(tenantTag, tag("t", eventId, caller.tenant()));
        boolean user = same(userTag, tag("u", eventId, caller.userId()));
        return tenant && (user || scope == Scope.TENANT) ? Optional.of(eventId) : Optional.empty();
    }

    /** Whether {@code shown} has the form of an id this gateway issues (else the client sent something else). */
    public static boolean isWellFormed(String shown) {
        String id = shown.startsWith("chatcmpl-") ? shown.substring("chatcmpl-".length()) : shown;
        return SHAPE.matcher(id).matches();
    }

    private String tag(String kind, String eventId, String who) {
        byte[] mac = macs.get().doFinal((kind + "\u001f" + eventId + "\u001f" + who).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(mac, 8));
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(SecretKeySpec k, String data) {
        return mac(k).doFinal(data.getBytes(StandardCharsets.UTF_8));
    }

    private static Mac mac(SecretKeySpec k) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(k);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
