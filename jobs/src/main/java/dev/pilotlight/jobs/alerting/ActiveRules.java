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
 * checkpoint). Sequence and absence rules are compiled into the graph and change only with a redeploy.
 */
public final class ActiveRules implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ActiveRules.class);
    public static final MapStateDescriptor<String, RuleSetUpdate> RULES =
            new MapStateDescriptor<>("rule-sets", Types.STRING, TypeInformation.of(RuleSetUpdate.class));
    private static final String ACTIVE = "active";

    /** Rules by id and the version they belong to. */
    public record Snapshot(String version, Map<String, ThresholdRule> rules, List<ThresholdRule> list) implements Serializable {}

    private final Snapshot initial;
    private final long initialLoadedAt;
    private transient Snapshot cached;

    public ActiveRules(RuleSet initial, long loadedAt) {
        this.initial = snapshot(initial);
        this.initialLoadedAt = loadedAt;
    }

    private static Snapshot snapshot(RuleSet set) {
        return new Snapshot(set.version(), set.thresholds().stream()
                .collect(Collectors.toUnmodifiableMap(ThresholdRule::id, Function.identity())), set.thresholds());
    }

    public Snapshot current(ReadOnlyBroadcastState<String, RuleSetUpdate> state) throws Exception {
        RuleSetUpdate u = state.get(ACTIVE);
        if (u == null) {
            return initial;
        }
        if (cached == null || !cached.version().equals(u.version())) {
            cached = snapshot(u.parse()); // validated on the way in; parsed once per instance and version
        }
        return cached;
    }

    /** Takes a published set if it is newer than what is in force. */
    public void accept(RuleSetUpdate u, BroadcastState<String, RuleSetUpdate> state) throws Exception {
        RuleSetUpdate known = state.get(ACTIVE);
        long inForceSince = known == null ? initialLoadedAt : known.publishedAt();
        if (u.publishedAt() <= inForceSince) {
            LOG.info("rule set {} published at {} is older than the rules in force; ignored", u.version(), u.publishedAt());
            return;
        }
        state.put(ACTIVE, u);
        LOG.info("rule set {} in force ({} threshold rule(s)), published by {}", u.version(), u.parse().thresholds().size(), u.publishedBy());
    }
}
