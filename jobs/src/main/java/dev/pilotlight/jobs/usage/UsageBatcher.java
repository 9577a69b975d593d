package dev.pilotlight.jobs.usage;

import dev.pilotlight.jobs.batch.MiniBatchOperator;
import java.time.Duration;

/**
 * Merges a route's calls of one tenant and usage day for a short interval, so {@link TallyRoute} touches its state once per merged
 * input rather than once per call. Ratings and milestones pass alone: they carry a user or a tenant the tally needs.
 */
public final class UsageBatcher extends MiniBatchOperator<UsageInput, UsageBatcher.Partial, UsageInput> {
    private static final long serialVersionUID = 1L;

    private final long dayMs;

    /** The sums of a batch. */
    static final class Partial {
        final UsageInput first;
        long at;
        long calls;
        long errors;
        double usd;

        Partial(UsageInput first) {
            this.first = first;
        }
    }

    private record BatchKey(String route, String tenant, long day) {}

    public UsageBatcher(UsageSettings settings, Duration interval) {
        super(interval.toMillis(), 50_000);
        this.dayMs = settings.dayMs();
    }

    @Override
    protected Object keyOf(UsageInput in) {
        return in.kind() == UsageInput.Kind.CALL ? new BatchKey(in.route(), in.tenant(), Math.floorDiv(in.at(), dayMs)) : null;
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
        p.calls += in.count();
        p.errors += in.errors();
        p.usd += in.usd();
    }

    @Override
    protected UsageInput finish(Partial p) {
        UsageInput f = p.first;
        return new UsageInput(UsageInput.Kind.CALL, f.route(), null, f.tenant(), p.at, p.calls, p.errors, p.usd, 0, null, null, null);
    }

    /** A rating or a milestone goes on as it is. */
    @Override
    protected void passOn(org.apache.flink.streaming.runtime.streamrecord.StreamRecord<UsageInput> record) {
        output.collect(record);
    }
}
