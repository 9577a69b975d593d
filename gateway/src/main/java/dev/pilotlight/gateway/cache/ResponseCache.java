package dev.pilotlight.gateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pilotlight.gateway.catalog.Route;
import dev.pilotlight.gateway.provider.ChatTurn;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Exact-match answers per route: the key is the tenant, the prompt version and the normalised,
 * already-redacted conversation, so an answer never crosses tenants or releases and holds
 * placeholders, not personal data (each caller gets their own values restored). Bounded and
 * expiring (Caffeine); routes opt out with {@code cache.enabled: false}.
 */
public final class ResponseCache {
    /** What is kept of an answer. */
    public record Hit(String text, String modelAlias, String finishReason) {}

    private final Map<String, Cache<String, Hit>> byRoute = new HashMap<>();

    public ResponseCache(Iterable<Route> routes) {
        for (Route r : routes) {
            if (r.cache().enabled()) {
                // upkeep on the calling thread, not handed off to a pool (docs/architecture.md, "Gateway threads")
                byRoute.put(r.name(), Caffeine.newBuilder().executor(Runnable::run).maximumSize(r.cache().maxEntries())
                        .expireAfterWrite(r.cache().ttl()).build());
            }
        }
    }

    public Optional<Hit> get(String route, String key) {
        Cache<String, Hit> c = byRoute.get(route);
        return c == null ? Optional.empty() : Optional.ofNullable(c.getIfPresent(key));
    }

    public void put(String route, String key, Hit hit) {
        Cache<String, Hit> c = byRoute.get(route);
        if (c != null) {
            c.put(key, hit);
        }
    }

    /**
     * Tenant, version, sampling settings, the conversation with whitespace and case folded, and the request's other
     * answer-shaping fields ({@code shaping}, null for none), built once at its final size (it is hundreds of characters).
     */
    public static String key(String tenant, String promptVersion, Integer maxTokens, Double temperature, List<ChatTurn> turns,
                             String shaping) {
        int size = 64 + String.valueOf(tenant).length() + String.valueOf(promptVersion).length()
                + (shaping == null ? 0 : shaping.length() + 1);
        for (ChatTurn t : turns) {
            size += t.content().length() + 12;
        }
        StringBuilder sb = new StringBuilder(size).append(tenant).append('\u001f').append(promptVersion).append('\u001f')
                .append(maxTokens).append('\u001f').append(temperature);
        for (ChatTurn t : turns) {
            sb.append('\u001e').append(t.role()).append(':');
            appendFolded(sb, t.content());
        }
        if (shaping != null) {
            sb.append('\u001d').append(shaping);
        }
        return sb.toString();
    }

    /** Appends {@code text} trimmed, each run of whitespace as one space, lower-cased; one pass, no regex. */
    static void appendFolded(StringBuilder sb, String text) {
        boolean pendingSpace = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                pendingSpace = any;
                continue;
            }
            if (pendingSpace) {
                sb.append(' ');
                pendingSpace = false;
            }
            sb.append(Character.toLowerCase(c));
            any = true;
        }
    }

    /** Cache settings of a route. */
    public record Settings(boolean enabled, Duration ttl, long maxEntries) {
        public static final Settings DEFAULT = new Settings(true, Duration.ofMinutes(10), 10_000);
        public static final Settings OFF = new Settings(false, Duration.ofMinutes(10), 1);
    }
}
