package dev.pilotlight.gateway.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.Optional;

/**
 * Token buckets (bucket4j) per key, refilled greedily at {@code perMinute}, with a burst of the
 * same size. Buckets live in a bounded cache, so a flood of distinct keys cannot exhaust memory.
 */
public final class RateLimits {
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .executor(Runnable::run) // upkeep on the calling thread, not handed off to a pool (docs/architecture.md, "Gateway threads")
            .maximumSize(100_000).expireAfterAccess(Duration.ofMinutes(10)).build();

    /**
     * Takes one token for {@code key}.
     *
     * @return empty when allowed, else how long until a token is available (for Retry-After)
     */
    public Optional<Duration> tryAcquire(String key, long perMinute) {
        Bucket b = buckets.get(key + "\u001f" + perMinute, k -> Bucket.builder()
                .addLimit(Bandwidth.builder().capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)).build())
                .build());
        ConsumptionProbe p = b.tryConsumeAndReturnRemaining(1);
        return p.isConsumed() ? Optional.empty() : Optional.of(Duration.ofNanos(p.getNanosToWaitForRefill()));
    }
}
