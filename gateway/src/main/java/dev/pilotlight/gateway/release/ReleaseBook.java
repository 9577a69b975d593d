package dev.pilotlight.gateway.release;

import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.event.SchemaVersion;
import dev.pilotlight.common.experiment.RampPlanCheck;
import dev.pilotlight.common.experiment.RampStep;
import dev.pilotlight.gateway.catalog.Catalog;
import dev.pilotlight.gateway.catalog.Route;
import dev.pilotlight.gateway.prompt.PromptRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * What each prompt serves, on this replica. Changes made here (admin API, commands) are published
 * through {@code onChange} to guard.releases; changes seen there from other replicas are adopted
 * when their revision is newer, so all replicas converge on the same release.
 */
public final class ReleaseBook {

    private final PromptRegistry registry;
    private final Catalog catalog;
    private final Map<String, ReleaseState> byPrompt = new ConcurrentHashMap<>();
    private final Consumer<ReleaseState> onChange;

    public ReleaseBook(Catalog catalog, PromptRegistry registry, Consumer<ReleaseState> onChange) {
        this.registry = registry;
        this.catalog = catalog;
        this.onChange = onChange;
        for (Route r : catalog.routes().values()) {
            byPrompt.putIfAbsent(r.promptId(), new ReleaseState(SchemaVersion.CURRENT, r.promptId(), r.name(),
                    r.initialProduction().toString(), null, null, 0.0, 0, 0, "config", "initial release from the catalog"));
        }
    }

    public Optional<ReleaseState> current(String promptId) {
        return Optional.ofNullable(byPrompt.get(promptId));
    }

    public Collection<ReleaseState> all() {
        return new ArrayList<>(byPrompt.values());
    }

    /** Sticky per user: the same user gets the same arm for as long as the split is unchanged. */
    public Assignment assign(String promptId, String userId) {
        ReleaseState s = byPrompt.get(promptId);
        if (s.candidateVersion() != null && s.candidateSplit() > 0 && bucket(promptId, userId) < s.candidateSplit()) {
            return new Assignment(promptId, s.candidateVersion(), Assignment.CANDIDATE, experimentId(s));
        }
        return new Assignment(promptId, s.productionVersion(), Assignment.PRODUCTION, s.candidateVersion() == null ? null : experimentId(s));
    }

    private static String experimentId(ReleaseState s) {
        return s.promptId() + ":" + s.productionVersion() + "-vs-" + s.candidateVersion();
    }

    static double bucket(String promptId, String userId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((promptId + "\u001f" + userId).getBytes(StandardCharsets.UTF_8));
            long v = ByteBuffer.wrap(h).getLong() >>> 11; // 53 bits → [0, 1)
            return v / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Releases {@code production} (the current one becomes previous) and/or sets a candidate with a
     * split. Versions must exist as files.
     */
    public ReleaseState release(String promptId, String production, String candidate, double split, String by, String reason) {
        return release(promptId, production, candidate, split, null, by, reason);
    }

    /**
     * As above, with a canary plan for the candidate (its first step's share is the split; the guard job
     * moves it on, docs/experiments.md). Without a plan, a candidate that stays keeps the plan it had.
     */
    public ReleaseState release(String promptId, String production, String candidate, double split, List<RampStep> plan, String by,
                                String reason) {
        List<String> errors = new ArrayList<>();
        if (plan != null) {
            errors.addAll(RampPlanCheck.problems(plan));
            if (candidate == null) {
                errors.add("a plan needs a candidate");
            } else if (errors.isEmpty() && split != plan.get(0).share()) {
                errors.add("split " + split + " is not the plan's first share " + plan.get(0).share());
            }
        }
        if (production != null && !registry.hasVersion(promptId, production)) {
            errors.add("production version " + production + " of prompt " + promptId + " does not exist");
        }
        if (candidate != null && !registry.hasVersion(promptId, candidate)) {
            errors.add("candidate version " + candidate + " of prompt " + promptId + " does not exist");
        }
        if (split < 0 || split > 1) {
            errors.add("split must be between 0 and 1");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", errors));
        }
        ReleaseState next = byPrompt.compute(promptId, (id, s) -> {
            boolean newProduction = production != null && !production.equals(s.productionVersion());
            String prod = newProduction ? production : s.productionVersion();
            String prev = newProduction ? s.productionVersion() : s.previousVersion();
            String cand = candidate;
            double sp = candidate == null ? 0.0 : split;
            List<RampStep> steps = plan != null ? plan : candidate != null && candidate.equals(s.candidateVersion()) ? s.plan() : null;
            return new ReleaseState(SchemaVersion.CURRENT, id, s.route(), prod, prev, cand, sp, s.revision() + 1,
                    System.currentTimeMillis(), by, reason, null, steps);
        });
        onChange.accept(next);
        return next;
    }

    /**
     * Takes {@code fromVersion} out of service: as production it is replaced by {@code toVersion}
     * (or the previous production), as candidate it is removed. Empty when it is no longer served,
     * which makes a repeated rollback harmless.
     */
    public Optional<ReleaseState> rollback(String promptId, String fromVersion, String toVersion, String by, String reason) {
        if (!byPrompt.containsKey(promptId)) {
            throw new IllegalArgumentException("unknown prompt " + promptId);
        }
        boolean[] changed = {false};
        ReleaseState next = byPrompt.compute(promptId, (id, s) -> {
            if (fromVersion.equals(s.productionVersion())) {
                String target = toVersion != null ? toVersion : s.previousVersion();
                if (target == null) {
                    throw new IllegalArgumentException("prompt " + id + " has no previous version to roll back to");
                }
                if (!registry.hasVersion(id, target)) {
                    throw new IllegalArgumentException("rollback target " + target + " of prompt " + id + " does not exist");
                }
                changed[0] = true;
                return new ReleaseState(SchemaVersion.CURRENT, id, s.route(), target, fromVersion, null, 0.0,
                        s.revision() + 1, System.currentTimeMillis(), by, reason);
            }
            if (fromVersion.equals(s.candidateVersion())) {
                changed[0] = true;
                return new ReleaseState(SchemaVersion.CURRENT, id, s.route(), s.productionVersion(), s.previousVersion(),
                        null, 0.0, s.revision() + 1, System.currentTimeMillis(), by, reason);
            }
            return s;
        });
        if (!changed[0]) {
            return Optional.empty();
        }
        onChange.accept(next);
        return Optional.of(next);
    }

    /**
     * Makes the candidate {@code version} the production version (the A/B winner) and ends the
     * experiment. Empty when it already is production.
     */
    public Optional<ReleaseState> promote(String promptId, String version, String by, String reason) {
        if (!registry.hasVersion(promptId, version)) {
            throw new IllegalArgumentException("version " + version + " of prompt " + promptId + " does not exist");
        }
        ReleaseState before = current(promptId).orElseThrow(() -> new IllegalArgumentException("unknown prompt " + promptId));
        if (version.equals(before.productionVersion()) && before.candidateVersion() == null) {
            return Optional.empty();
        }
        return Optional.of(release(promptId, version, null, 0, by, reason));
    }

    /** What {@link #adopt} did with a state read from guard.releases. */
    public enum Adoption {
        /** newer than what this replica had: now served */
        ADOPTED,
        /** the same revision, or a prompt this replica does not serve */
        UNCHANGED,
        /** an older revision than this replica's (a replay, or a lagging replica): ignored */
        OLDER
    }

    /** Largest revision accepted: far beyond any real history, and far from overflowing the next change. */
    static final long MAX_REVISION = 1L << 53;

    /**
     * Adopts a state published by any replica if it is newer than what this one has and can be
     * served: its route is the prompt's route, every version it names exists, its split is a share.
     *
     * @throws IllegalArgumentException with the reason when the state cannot be served
     */
    public Adoption adopt(ReleaseState incoming) {
        Optional<Route> route = catalog.routes().values().stream().filter(r -> r.promptId().equals(incoming.promptId())).findFirst();
        if (route.isEmpty()) {
            return Adoption.UNCHANGED;
        }
        List<String> problems = problems(incoming, route.get());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("release state of " + incoming.promptId() + " revision " + incoming.revision()
                    + " cannot be served: " + String.join("; ", problems));
        }
        Adoption[] outcome = {Adoption.UNCHANGED};
        byPrompt.compute(incoming.promptId(), (id, s) -> {
            if (s == null || incoming.revision() > s.revision()
                    || (incoming.revision() == s.revision() && incoming.updatedAt() > s.updatedAt())) {
                outcome[0] = Adoption.ADOPTED;
                return incoming.withSignature(null);
            }
            if (incoming.revision() < s.revision()) {
                outcome[0] = Adoption.OLDER;
            }
            return s;
        });
        return outcome[0];
    }

    private List<String> problems(ReleaseState s, Route route) {
        List<String> out = new ArrayList<>();
        if (!route.name().equals(s.route())) {
            out.add("prompt " + s.promptId() + " is served on route " + route.name() + ", not " + s.route());
        }
        for (String v : new String[] {s.productionVersion(), s.previousVersion(), s.candidateVersion()}) {
            if (v != null && !registry.hasVersion(s.promptId(), v)) {
                out.add("version " + v + " does not exist");
            }
        }
        if (!(s.candidateSplit() >= 0 && s.candidateSplit() <= 1) || (s.candidateVersion() == null && s.candidateSplit() != 0)) {
            out.add("split " + s.candidateSplit() + " is not a share of a candidate");
        }
        if (s.plan() != null) {
            out.addAll(s.candidateVersion() == null ? List.of("a plan without a candidate") : RampPlanCheck.problems(s.plan()));
        }
        if (s.revision() < 0 || s.revision() > MAX_REVISION) {
            out.add("revision " + s.revision() + " is out of range");
        }
        return out;
    }
}
