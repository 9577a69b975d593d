package dev.pilotlight.jobs.batch;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Local pre-aggregation before a keyed stage (Flink SQL's mini-batch "local-global" aggregation, for
 * the DataStream API): records with the same key are merged on the heap for at most
 * {@code interval} and sent on as one partial. A keyed stage with RocksDB state then reads and
 * writes its state once per partial instead of once per event. Partials are flushed before every
 * watermark (so nothing looks late downstream) and before every checkpoint barrier (so nothing is
 * held outside state), in the order they were opened, so each key's partials stay in event order
 * (a hash order once sent a key's minutes out of order and the evaluator dropped them as late);
 * the operator itself keeps no state.
 *
 * @param <IN>  what arrives
 * @param <P>   the partial kept per key
 * @param <OUT> what a partial is sent on as
 */
public abstract class MiniBatchOperator<IN, P, OUT> extends AbstractStreamOperator<OUT>
        implements OneInputStreamOperator<IN, OUT>, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final long intervalMs;
    private final int maxKeys;
    private transient Map<Object, Slot<P>> partials;
    private transient boolean timerSet;
    private transient long watermark = Long.MIN_VALUE;

    protected MiniBatchOperator(long intervalMs, int maxKeys) {
        this.intervalMs = intervalMs;
        this.maxKeys = maxKeys;
    }

    /**
     * Applies {@code op} to {@code in}. Flink chains it to its input by default (same parallelism,
     * forward), so records reach it as objects, not bytes.
     */
    public static <IN, OUT> SingleOutputStreamOperator<OUT> apply(DataStream<IN> in, String name, TypeInformation<OUT> type,
                                                                  MiniBatchOperator<IN, ?, OUT> op) {
        return in.transform(name, type, op);
    }

    /** A partial and the latest record timestamp merged into it. */
    private static final class Slot<P> {
        final P partial;
        long timestamp;

        Slot(P partial, long timestamp) {
            this.partial = partial;
            this.timestamp = timestamp;
        }
    }

    /**
     * The key records are merged under (with value equality, e.g. a record), or null to send the
     * record on alone at once (always, with interval 0). Called once per record: keep it cheap.
     */
    protected abstract Object keyOf(IN in);

    protected abstract P start(IN in);

    protected abstract void add(P partial, IN in);

    protected abstract OUT finish(P partial);

    /** Sends a record that is not batched (e.g. one already too late); by default as {@link #finish} of a partial of one. */
    protected void passOn(StreamRecord<IN> record) {
        output.collect(new StreamRecord<>(finish(start(record.getValue())), record.getTimestamp()));
    }

    @Override
    public void open() throws Exception {
        super.open();
        partials = new LinkedHashMap<>(); // flushed in arrival order: a key's partials stay in event order
    }

    @Override
    public void processElement(StreamRecord<IN> record) throws Exception {
        IN in = record.getValue();
        Object key = intervalMs <= 0 ? null : keyOf(in);
        if (key == null) {
            passOn(record);
            return;
        }
        Slot<P> slot = partials.get(key);
        if (slot == null) {
            partials.put(key, new Slot<>(start(in), record.getTimestamp()));
        } else {
            add(slot.partial, in);
            slot.timestamp = Math.max(slot.timestamp, record.getTimestamp());
        }
        if (partials.size() >= maxKeys) {
            flush();
        } else if (!timerSet) {
            timerSet = true;
            getProcessingTimeService().registerTimer(getProcessingTimeService().getCurrentProcessingTime() + intervalMs, this);
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timerSet = false;
        flush();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        watermark = mark.getTimestamp();
        super.processWatermark(mark);
    }

    /** The last watermark this operator passed on. */
    protected long currentWatermark() {
        return watermark;
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        for (Slot<P> slot : partials.values()) {
            output.collect(new StreamRecord<>(finish(slot.partial), slot.timestamp));
        }
        partials.clear();
    }
}
