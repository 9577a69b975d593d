package dev.pilotlight.jobs;

import dev.pilotlight.common.control.CommandType;
import dev.pilotlight.common.control.ControlCommand;
import dev.pilotlight.common.event.Alert;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.common.event.ReleaseState;
import dev.pilotlight.jobs.ingest.Envelope;
import dev.pilotlight.jobs.ingest.SplitByRecordType;
import dev.pilotlight.jobs.release.ErrorRateRollbackTrigger;
import dev.pilotlight.jobs.release.SignCommands;
import dev.pilotlight.jobs.sink.GuardSinks;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The guard application's graph. It takes its source and sinks as arguments (as in
 * flink-training), so tests run the very same graph on a MiniCluster with test sources.
 */
public final class GuardPipeline {
    private GuardPipeline() {}

    public static void build(StreamExecutionEnvironment env, Source<Envelope, ?, ?> source, GuardSinks sinks, GuardSettings settings) {
        WatermarkStrategy<Envelope> watermarks = WatermarkStrategy.<Envelope>forBoundedOutOfOrderness(settings.outOfOrderness())
                .withTimestampAssigner((e, kafkaTs) -> e.eventTime())
                .withIdleness(settings.idleness());
        DataStream<Envelope> records = env.fromSource(source, watermarks, "guard-inputs").uid("guard-inputs");

        SingleOutputStreamOperator<InvocationEvent> invocations = records
                .process(new SplitByRecordType()).name("split-by-record-type").uid("split-by-record-type");
        invocations.getSideOutput(SplitByRecordType.DEAD_LETTERS)
                .sinkTo(sinks.deadLetters()).name("dead-letters").uid("dead-letters-sink");
        DataStream<ReleaseState> releases = invocations.getSideOutput(SplitByRecordType.RELEASES);

        if (settings.modules().contains(GuardModule.ROLLBACK)) {
            BroadcastStream<ReleaseState> releaseBroadcast = releases.broadcast(ErrorRateRollbackTrigger.RELEASES);
            SingleOutputStreamOperator<Alert> alerts = invocations
                    .filter(e -> e.promptId() != null).name("calls-with-a-prompt-release").uid("calls-with-a-prompt-release")
                    .keyBy(ErrorRateRollbackTrigger::keyOf)
                    .connect(releaseBroadcast)
                    .process(new ErrorRateRollbackTrigger(settings.rules().withAction(CommandType.ROLLBACK_PROMPT),
                            settings.commandTtl(), settings.maxDecisionLag()))
                    .name("error-rate-rollback-trigger").uid("error-rate-rollback-trigger");
            alerts.sinkTo(sinks.alerts()).name("alerts").uid("alerts-sink");
            DataStream<ControlCommand> commands = alerts.getSideOutput(ErrorRateRollbackTrigger.COMMANDS)
                    .map(new SignCommands(settings.signer())).name("sign-commands").uid("sign-commands");
            commands.sinkTo(sinks.commands()).name("commands").uid("commands-sink");
        }
    }
}
