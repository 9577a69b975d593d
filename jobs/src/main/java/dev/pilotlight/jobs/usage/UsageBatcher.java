package dev.pilotlight.jobs.usage;

import dev.pilotlight.jobs.batch.MiniBatchOperator;
import java.time.Duration;

/**
 * Merges a route's calls of one tenant and usage day for a short interval, and its users' active-day marks of the same,
 * so {@link TallyRoute} touches its state (and its day's sketch) once per merged input rather than once per call or
 * user, and fewer records cross the network to it. Ratings and the other milestones pass alone: they carry what the
 * tally needs of each.
 */
public final class UsageBatcher extends MiniBatchOperator<UsageInput, UsageBatcher.Partial, UsageInput> {
    private static final long serialVersionUID = 1L;

    private final long dayMs;

    /** The sums of a batch: calls, or the users active that day. */
    static final class Partial {
        final UsageInput first;
        long at;
        long calls;
        long errors;
        double usd;
        final java.util.Set<String> users = new java.util.LinkedHashSet<>();

        Partial(UsageInput first) {
            this.first = first;
        }
    }

    private record BatchKey(UsageInput.Kind kind, String route, String tenant, long day) {}

    public UsageBatcher(UsageSettings settings, Duration interval) {
        super(interval.toMillis(), 50_000);
        this.dayMs = settings.dayMs();
    }

    @Override
    protected Object keyOf(UsageInput in) {
        boolean merged = in.kind() == UsageInput.Kind.CALL || (in.kind() == UsageInput.Kind.ACTIVE && in.users() == null);
        return merged ? new BatchKey(in.kind(), in.route(), in.tenant(), Math.floorDiv(in.at(), dayMs)) : null;
    }

    @Override
    protected Partial start(UsageInput in) {
        Partial p = new Partial(in);
        add(p, in);
        return p;
    }

    @Override
    protected void add(Partial p, UsageInput in) {
        p.at = Math.max(p.at, in.at());
        if (in.kind() == UsageInput.Kind.ACTIVE) {
            p.users.add(in.user());
            return;
        }
        p.calls += in.count();
        p.errors += in.errors();
        p.usd += in.usd();
    }

    @Override
    protected UsageInput finish(Partial p) {
        UsageInput f = p.first;
        if (f.kind() == UsageInput.Kind.ACTIVE) {
            return UsageInput.active(f.route(), f.tenant(), p.at, p.users.toArray(String[]::new));
        }
        return new UsageInput(UsageInput.Kind.CALL, f.route(), null, f.tenant(), p.at, p.calls, p.errors, p.usd, 0, null, null, null);
    }

    /** A rating or a milestone goes on as it is. */
    @Override
    protected void passOn(org.apache.flink.streaming.runtime.streamrecord.StreamRecord<UsageInput> record) {
        output.collect(record);
    }
}
