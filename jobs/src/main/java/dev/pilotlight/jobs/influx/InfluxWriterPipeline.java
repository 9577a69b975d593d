package dev.pilotlight.jobs.influx;

import dev.pilotlight.common.event.DeadLetter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The writer's graph: monitored records → points → InfluxDB, undecodable records → dead letters.
 * Sources and sinks are arguments, so a test runs the same graph with its own source.
 */
public final class InfluxWriterPipeline {
    private InfluxWriterPipeline() {}

    public static void build(StreamExecutionEnvironment env, Source<TopicRecord, ?, ?> source, Sink<String> points,
                             Sink<DeadLetter> deadLetters, int topUsers) {
        SingleOutputStreamOperator<String> lines = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "monitored-topics").uid("monitored-topics")
                .process(new WritePoints(topUsers)).uid("write-points").name("write-points");
        lines.sinkTo(points).uid("influxdb").name("influxdb");
        lines.getSideOutput(WritePoints.DEAD_LETTERS).sinkTo(deadLetters).uid("influx-dead-letters").name("dead-letters");
    }
}
