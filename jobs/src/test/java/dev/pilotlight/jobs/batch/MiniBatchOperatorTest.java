package dev.pilotlight.jobs.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Partials are held on the heap only between flushes: never across a watermark, a barrier or the end of input. */
class MiniBatchOperatorTest {

    /** Counts words: "a", "a", "b" within an interval leave as "a=2", "b=1". */
    private static final class WordCounts extends MiniBatchOperator<String, int[], String> {
        private final java.util.Map<int[], String> words = new java.util.IdentityHashMap<>();

        WordCounts(long intervalMs, int maxKeys) {
            super(intervalMs, maxKeys);
        }

        @Override
        protected Object keyOf(String in) {
            return in.isEmpty() ? null : in;
        }

        @Override
        protected int[] start(String in) {
            int[] n = {1};
            words.put(n, in);
            return n;
        }

        @Override
        protected void add(int[] partial, String in) {
            partial[0]++;
        }

        @Override
        protected String finish(int[] partial) {
            return words.remove(partial) + "=" + partial[0];
        }
    }

    private static OneInputStreamOperatorTestHarness<String, String> harness(long intervalMs, int maxKeys, OperatorSubtaskState restore)
            throws Exception {
        var h = new OneInputStreamOperatorTestHarness<>(new WordCounts(intervalMs, maxKeys));
        h.setProcessingTime(0);
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static void send(OneInputStreamOperatorTestHarness<String, String> h, String word, long ts) throws Exception {
        h.processElement(new StreamRecord<>(word, ts));
    }

    @Test
    void mergesWithinTheIntervalInTheOrderKeysCameWithTheLatestTimestamp() throws Exception {
        try (var h = harness(100, 1_000, null)) {
            send(h, "b", 10);
            send(h, "a", 20);
            send(h, "b", 30);
            assertThat(h.extractOutputValues()).isEmpty();
            h.setProcessingTime(100);
            assertThat(h.extractOutputValues()).containsExactly("b=2", "a=1");
            assertThat(h.extractOutputStreamRecords()).extracting(StreamRecord::getTimestamp).containsExactly(30L, 20L);
        }
    }

    @Test
    void tooManyKeysFlushAtOnceAndUnbatchedRecordsPassStraightOn() throws Exception {
        try (var h = harness(100, 2, null)) {
            send(h, "a", 1);
            send(h, "", 2); // no key: at once
            assertThat(h.extractOutputValues()).containsExactly("=1");
            send(h, "b", 3);
            assertThat(h.extractOutputValues()).containsExactly("=1", "a=1", "b=1");
        }
    }

    @Test
    void aBarrierFindsNothingHeldAndARestoredOperatorStartsEmpty() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(100, 1_000, null)) {
            send(h, "a", 1);
            send(h, "a", 2);
            h.prepareSnapshotPreBarrier(1);
            assertThat(h.extractOutputValues()).as("flushed before the barrier").containsExactly("a=2");
            snapshot = h.snapshot(1, 0);
        }
        try (var h = harness(100, 1_000, snapshot)) {
            h.setProcessingTime(1_000);
            h.processWatermark(new Watermark(10));
            assertThat(h.extractOutputValues()).as("nothing was held outside state, so nothing comes back").isEmpty();
        }
    }

    @Test
    void aWatermarkAndTheEndOfInputFlushFirst() throws Exception {
        try (var h = harness(100, 1_000, null)) {
            send(h, "a", 5);
            h.processWatermark(new Watermark(4));
            assertThat(List.copyOf(h.getOutput())).hasSize(2).last().isInstanceOf(Watermark.class);
            send(h, "b", 6);
            h.endInput();
            h.getOneInputOperator().finish();
            assertThat(h.extractOutputValues()).containsExactly("a=1", "b=1");
        }
    }
}
