package dev.pilotlight.jobs.feedback;

import dev.pilotlight.common.event.FeedbackEvent;
import dev.pilotlight.jobs.ingest.Envelope;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides which of a user's ratings of one invocation counts: the last. Keyed by invocation and
 * user; a rating that replaces an earlier one first emits the earlier one's retraction (at the
 * earlier time, so only windows that counted it subtract it). Ten thumbs-down on one answer count
 * once. The last rating is kept for {@code horizon} (state TTL), after which a new rating counts as
 * a first one.
 */
public final class KeepLastRating extends KeyedProcessFunction<String, Envelope, Envelope> {
    private static final long serialVersionUID = 1L;

    private final Duration horizon;
    private transient ValueState<FeedbackEvent> last;

    public KeepLastRating(Duration horizon) {
        this.horizon = horizon;
    }

    public static String keyOf(Envelope e) {
        return e.feedback().invocationId() + "\u001f" + e.feedback().userId();
    }

    @Override
    public void open(OpenContext ctx) {
        ValueStateDescriptor<FeedbackEvent> d = new ValueStateDescriptor<>("last-rating", TypeInformation.of(FeedbackEvent.class));
        d.enableTimeToLive(StateTtlConfig.newBuilder(horizon).setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired).build());
        last = getRuntimeContext().getState(d);
    }

    @Override
    public void processElement(Envelope e, Context ctx, Collector<Envelope> out) throws Exception {
        FeedbackEvent given = e.feedback().asGiven();
        FeedbackEvent earlier = last.value();
        if (earlier != null && earlier.eventId().equals(given.eventId())) {
            return; // the same record again (a replay): already counted
        }
        if (earlier != null) {
            out.collect(Envelope.of(earlier.retracted(), e.kafkaTimestamp()));
        }
        last.update(given);
        out.collect(Envelope.of(given, e.kafkaTimestamp()));
    }
}
