package dev.pilotlight.reports.usage;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.reports.TopicScan;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest scorecard of each route and of each route's tenants on guard.scorecards (compacted: one per key, plus what
 * compaction has not merged yet).
 * With the control key, only scorecards the guard job signed are read; without it, signatures are not checked (say so).
 */
public final class ScorecardReader {
    /** The newest scorecard per key (route, or route|tenant), and how many records could not be read. */
    public record Read(Map<String, Scorecard> latest, int unreadable, boolean verified) {
        /** The routes' scorecards (across tenants), by route. */
        public Map<String, Scorecard> routes() {
            Map<String, Scorecard> out = new TreeMap<>();
            latest.values().stream().filter(c -> c.tenant() == null).forEach(c -> out.put(c.route(), c));
            return out;
        }

        /** Every route's tenants' scorecards, by key. */
        public java.util.List<Scorecard> tenants() {
            return latest.values().stream().filter(c -> c.tenant() != null).toList();
        }

        /** The scorecards of a route's tenants, by tenant. */
        public java.util.List<Scorecard> tenants(String route) {
            return latest.values().stream().filter(c -> c.tenant() != null && c.route().equals(route))
                    .sorted(java.util.Comparator.comparing(Scorecard::tenant)).toList();
        }
    }

    private ScorecardReader() {}

    /** @param signer the control key's signer, or null to read without checking signatures */
    public static Read read(String bootstrap, CommandSigner signer) {
        Map<String, Scorecard> latest = new TreeMap<>();
        int[] unreadable = {0};
        TopicScan.read(bootstrap, Topics.SCORECARDS, null, r -> {
            try {
                Scorecard c = signer == null ? JsonCodec.decode(r.value(), Scorecard.class) : signer.verify(r.value(), Scorecard.class, "scorecard");
                latest.merge(c.key(), c, (a, b) -> b.asOf() >= a.asOf() ? b : a);
            } catch (RuntimeException e) {
                unreadable[0]++;
            }
        });
        return new Read(latest, unreadable[0], signer != null);
    }
}
