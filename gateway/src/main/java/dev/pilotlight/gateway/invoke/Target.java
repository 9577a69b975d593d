package dev.pilotlight.gateway.invoke;

import dev.pilotlight.gateway.catalog.ModelSpec;
import dev.pilotlight.gateway.catalog.Route;

/** What a call addresses: a route (its released prompt applies) or a model alias directly (no prompt). */
public record Target(Route route, ModelSpec model) {
    /** Route name used in events for direct model calls, which have no prompt release. */
    public static final String DIRECT_ROUTE = "_direct";
    public static final String NO_PROMPT_VERSION = "none";

    public static Target of(Route r) {
        return new Target(r, null);
    }

    public static Target of(ModelSpec m) {
        return new Target(null, m);
    }

    public String name() {
        return route != null ? route.name() : model.alias();
    }
}
