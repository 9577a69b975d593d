package dev.pilotlight.reports.usage;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.CommandSigner;
import dev.pilotlight.common.usage.Scorecard;
import dev.pilotlight.reports.TopicScan;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest scorecard of each route on guard.scorecards (compacted: one per route, plus what compaction has not merged yet).
 * With the control key, only scorecards the guard job signed are read; without it, signatures are not checked (say so).
 */
public final class ScorecardReader {
    /** The newest scorecard per route, and how many records could not be read. */
    public record Read(Map<String, Scorecard> latest, int unreadable, boolean verified) {}

    private ScorecardReader() {}

    /** @param signer the control key's signer, or null to read without checking signatures */
    public static Read read(String bootstrap, CommandSigner signer) {
        Map<String, Scorecard> latest = new TreeMap<>();
        int[] unreadable = {0};
        TopicScan.read(bootstrap, Topics.SCORECARDS, null, r -> {
            try {
                Scorecard c = signer == null ? JsonCodec.decode(r.value(), Scorecard.class) : signer.verify(r.value(), Scorecard.class, "scorecard");
                latest.merge(c.route(), c, (a, b) -> b.asOf() >= a.asOf() ? b : a);
            } catch (RuntimeException e) {
                unreadable[0]++;
            }
        });
        return new Read(latest, unreadable[0], signer != null);
    }
}
