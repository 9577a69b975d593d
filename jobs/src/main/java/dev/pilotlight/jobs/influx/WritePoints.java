package dev.pilotlight.jobs.influx;

import com.influxdb.client.write.Point;
import dev.pilotlight.common.Topics;
import dev.pilotlight.common.codec.DecodeException;
import dev.pilotlight.common.codec.JsonCodec;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.DeadLetter;
import dev.pilotlight.common.event.MetricSample;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.common.experiment.ExperimentState;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decides what each monitored record becomes: one line of InfluxDB line protocol, or (when it
 * cannot be decoded) a dead letter with the decoder's reason, so nothing is dropped silently.
 */
public final class WritePoints extends ProcessFunction<TopicRecord, String> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("influx-dead-letters") {};

    private final int topUsers;
    private transient PointMapper mapper;

    public WritePoints(int topUsers) {
        this.topUsers = topUsers;
    }

    @Override
    public void open(OpenContext context) {
        mapper = new PointMapper(topUsers);
    }

    @Override
    public void processElement(TopicRecord r, Context ctx, Collector<String> out) {
        try {
            for (Point p : toPoints(r)) {
                String line = p.toLineProtocol();
                if (!line.isEmpty()) {
                    out.collect(line);
                }
            }
        } catch (RuntimeException e) { // a decode error names the field; anything else must not stop the plots either
            String reason = e instanceof DecodeException ? e.getMessage() : e.toString();
            ctx.output(DEAD_LETTERS, DeadLetter.of(r.topic(), r.partition(), r.offset(), r.key(),
                    "influx writer: " + reason, r.value(), System.currentTimeMillis()));
        }
    }

    private List<Point> toPoints(TopicRecord r) {
        return switch (r.topic()) {
            case Topics.METRICS -> List.of(mapper.window(JsonCodec.decode(r.value(), MetricSample.class)));
            case Topics.ALERTS -> List.of(mapper.alert(JsonCodec.decode(r.value(), Alert.class)));
            case Topics.CONTROL -> List.of(mapper.command(JsonCodec.decode(r.value(), ControlCommand.class)));
            case Topics.RELEASES -> List.of(mapper.releaseChange(JsonCodec.decode(r.value(), ReleaseState.class)));
            case Topics.EXPERIMENTS -> mapper.experiment(JsonCodec.decode(r.value(), ExperimentState.class));
            default -> throw new IllegalArgumentException("no measurement for topic " + r.topic());
        };
    }
}
