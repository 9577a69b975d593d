package dev.pilotlight.gateway.catalog;

import dev.pilotlight.gateway.cache.ResponseCache;
import dev.pilotlight.gateway.prompt.Semver;
import java.util.List;

/**
 * A use case served by the gateway.
 *
 * @param model primary model alias
 * @param fallbacks aliases tried in order when the primary fails (after its retries) or its breaker is open
 * @param cheapModel alias simple requests may use instead (model tiering); null when the route does not allow it
 * @param degradedAnswer answer given when every model failed; null means the caller gets an error
 * @param guards input and output guards of this route
 * @param cache the exact-match response cache of this route
 * @param drift which answered calls get drift features (language, topics) and the route's topics (docs/drift.md)
 */
public record Route(String name, String promptId, String model, List<String> fallbacks, String cheapModel,
                    Semver initialProduction, String degradedAnswer, Guards guards, ResponseCache.Settings cache,
                    dev.pilotlight.gateway.drift.DriftSampling drift) {

    /** Primary first, then the fallbacks. */
    public List<String> chain(String first) {
        List<String> out = new java.util.ArrayList<>();
        out.add(first);
        for (String f : fallbacks) {
            if (!f.equals(first)) {
                out.add(f);
            }
        }
        if (!first.equals(model) && !out.contains(model)) {
            out.add(1, model); // a tiered request falls back to the route's normal model first
        }
        return out;
    }
}
