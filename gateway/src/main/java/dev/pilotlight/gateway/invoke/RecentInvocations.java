package dev.pilotlight.gateway.invoke;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;

/** What feedback needs to know about a recent call (route, version, arm, model), kept bounded for a day. */
public final class RecentInvocations {
    /** The context of one served call. */
    public record Context(String userId, String route, String promptVersion, String variant, String model) {}

    private final Cache<String, Context> byEventId = Caffeine.newBuilder()
            .maximumSize(200_000).expireAfterWrite(Duration.ofDays(1)).build();

    public void remember(String eventId, String userId, String route, String promptVersion, String variant, String model) {
        byEventId.put(eventId, new Context(userId, route, promptVersion, variant, model));
    }

    public Optional<Context> get(String eventId) {
        return Optional.ofNullable(byEventId.getIfPresent(eventId));
    }
}
