package dev.pilotlight.reports.usage;

import java.util.List;
import java.util.Map;

/**
 * The model card section of a readiness report (playbook §3.E): what the route serves, from the gateway's catalog and
 * the route's prompt versions, and the limits its guards set.
 *
 * @param versions each prompt version with its changelog, oldest first
 * @param guards   the route's guard settings as the catalog states them
 * @param limits   known limitations, in plain words
 */
public record ModelCard(String route, String model, List<String> fallbacks, String productionVersion, List<Version> versions,
                        Map<String, String> guards, List<String> limits) {
    public record Version(String version, String changelog) {}
}
