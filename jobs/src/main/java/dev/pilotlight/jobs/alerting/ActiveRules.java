package dev.pilotlight.jobs.alerting;

import dev.pilotlight.common.rules.RuleSet;
import dev.pilotlight.common.rules.RuleSetUpdate;
import dev.pilotlight.common.rules.ThresholdRule;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which threshold rules are in force: those the job was started with, until a newer rule set is
 * published to guard.rules; then that one (kept in broadcast state, so it survives a restart from a
 * checkpoint), unless the job was started again with files after it was published (newest wins,
 * docs/rules.md). Sequence and absence rules are compiled into the graph and change only with a redeploy;
 * quotas change with a published set like threshold rules (docs/cost.md).
 */
public final class ActiveRules implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ActiveRules.class);
    public static final MapStateDescriptor<String, RuleSetUpdate> RULES =
            new MapStateDescriptor<>("rule-sets", Types.STRING, TypeInformation.of(RuleSetUpdate.class));
    private static final String ACTIVE = "active";

    /** Threshold rules by id, the quotas (docs/cost.md), the rosters (docs/usage.md), and the version they belong to. */
    public record Snapshot(String version, Map<String, ThresholdRule> rules, List<ThresholdRule> list,
                           List<dev.pilotlight.common.cost.Quota> quotas, List<dev.pilotlight.common.cost.Schedule> schedules,
                           List<dev.pilotlight.common.usage.Roster> rosters) implements Serializable {

        /** The roster of {@code route} (docs/usage.md), or null. */
        public dev.pilotlight.common.usage.Roster roster(String route) {
            return rosters.stream().filter(r -> r.route().equals(route)).findFirst().orElse(null);
        }
    }

    private final Snapshot initial;
    private final long filesChangedAt;
    private transient Snapshot cached;
    /** The published version {@link #cached} was parsed from (a publisher may name it differently from the content hash). */
    private transient String cachedFrom;
    /** When the set in force was published (when the files changed, for the files): for the metric. */
    private transient long inForceSince;

    public ActiveRules(RuleSet initial, long filesChangedAt) {
        this.initial = snapshot(initial);
        this.filesChangedAt = filesChangedAt;
    }

    private static Snapshot snapshot(RuleSet set) {
        return new Snapshot(set.version(), set.thresholds().stream()
                .collect(Collectors.toUnmodifiableMap(ThresholdRule::id, Function.identity())), set.thresholds(), set.quotas(), set.schedules(),
                set.rosters());
    }

    /**
     * The newest wins: the files the job was started with count as published when they last changed; a set
     * published to guard.rules after that replaces them. A restart with the same files keeps the published
     * set; a redeploy with files changed after it puts the files back in force.
     */
    public Snapshot current(ReadOnlyBroadcastState<String, RuleSetUpdate> state) throws Exception {
        RuleSetUpdate u = state.get(ACTIVE);
        if (u == null || u.publishedAt() <= filesChangedAt) {
            return initial;
        }
        if (cached == null || !u.version().equals(cachedFrom)) {
            remember(u); // validated on the way in; parsed once per instance and version
        }
        return cached;
    }

    private void remember(RuleSetUpdate u) {
        cached = snapshot(u.parse());
        cachedFrom = u.version();
        inForceSince = u.publishedAt();
    }

    /** The version of the rule set this instance last applied (metric {@code rulesVersion}). */
    public String versionInForce() {
        return cached == null || inForceSince <= filesChangedAt ? initial.version() : cached.version();
    }

    /** Epoch ms at which that set was published, or the files last changed (metric {@code rulesPublishedAt}). */
    public long inForceSince() {
        return cached == null || inForceSince <= filesChangedAt ? filesChangedAt : inForceSince;
    }

    /** Takes a published set if it is newer than what is in force. */
    public void accept(RuleSetUpdate u, BroadcastState<String, RuleSetUpdate> state) throws Exception {
        RuleSetUpdate known = state.get(ACTIVE);
        long inForceSince = known == null ? filesChangedAt : known.publishedAt();
        if (u.publishedAt() <= inForceSince) {
            LOG.info("rule set {} published at {} is older than the rules in force; ignored", u.version(), u.publishedAt());
            return;
        }
        state.put(ACTIVE, u);
        remember(u);
        LOG.info("rule set {} in force ({} threshold rule(s)), published by {}", u.version(), u.parse().thresholds().size(), u.publishedBy());
    }
}
