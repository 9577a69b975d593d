package dev.pilotlight.jobs.metrics;

import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.event.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;

/**
 * An event that arrives after its window closed (beyond the allowed lateness) is counted
 * ({@code lateEvents}) and kept on guard.dlq with the reason. Each event is reported once, through its
 * release series (its tenant series is the same event).
 */
public final class LateEventToDeadLetter extends RichFlatMapFunction<SeriesEvent, DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final long allowedLatenessMs;
    private transient Counter late;

    public LateEventToDeadLetter(java.time.Duration allowedLateness) {
        this.allowedLatenessMs = allowedLateness.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().counter("lateEvents");
    }

    @Override
    public void flatMap(SeriesEvent e, Collector<DeadLetter> out) {
        if (!SeriesKeys.dimension(e.seriesKey()).equals(SeriesKeys.RELEASE)) {
            return;
        }
        if (e.feedback() != null && e.feedback().retraction()) {
            return; // taking back a rating whose window has closed: nothing was lost, nothing to keep
        }
        late.inc();
        Object record = e.invocation() != null ? e.invocation() : e.feedback();
        String topic = e.invocation() != null ? Topics.INVOCATIONS : Topics.FEEDBACK;
        String user = e.invocation() != null ? e.invocation().userId() : e.feedback().userId();
        out.collect(DeadLetter.of(topic, -1, -1, user,
                "late event: event time " + Instant.ofEpochMilli(e.timestamp()) + " is in a metrics window that closed more than "
                        + allowedLatenessMs / 1000 + " s (allowed lateness) ago; counted in no window",
                new String(JsonCodec.encode(record), StandardCharsets.UTF_8), System.currentTimeMillis()));
    }
}
