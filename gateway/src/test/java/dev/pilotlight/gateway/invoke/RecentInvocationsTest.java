package dev.pilotlight.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.usage.ReviewItem;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RecentInvocationsTest {
    private final RecentInvocations recent = new RecentInvocations(100);

    @Test
    void theLastAnswersAreKeptAndTheOldestMakeWayForNewOnes() {
        for (int i = 0; i < RecentInvocations.ANSWERS_KEPT + 10; i++) {
            recent.rememberAnswer("ev-" + i, "answer " + i);
        }
        assertThat(recent.answer("ev-9")).as("written over by the 10 past the ring's size").isEmpty();
        assertThat(recent.answer("ev-10")).contains("answer 10");
        assertThat(recent.answer("ev-" + (RecentInvocations.ANSWERS_KEPT + 9))).contains("answer " + (RecentInvocations.ANSWERS_KEPT + 9));
        assertThat(recent.answer("ev-unknown")).isEmpty();
    }

    @Test
    void aLongAnswerIsCutAndNoAnswerIsNotKept() {
        recent.rememberAnswer("ev-long", "x".repeat(ReviewItem.MAX_ANSWER_CHARS + 5));
        recent.rememberAnswer("ev-none", null);
        assertThat(recent.answer("ev-long")).hasValueSatisfying(a -> assertThat(a).hasSize(ReviewItem.MAX_ANSWER_CHARS + 1).endsWith("x…"));
        assertThat(recent.answer("ev-none")).isEmpty();
    }

    @Test
    void answersFromSeveralThreadsAreAllKept() throws Exception {
        onFourThreads(400, i -> recent.rememberAnswer("ev-" + i, "answer " + i));
        for (int i = 0; i < 1600; i++) {
            assertThat(recent.answer("ev-" + i)).contains("answer " + i);
        }
    }

    @Test
    void contextsAreFoundByTheirCall() {
        recent.remember("ev-1", "u1", "claims-letter", "1.1.0", "candidate", "sim-model");
        assertThat(recent.get("ev-1")).contains(new RecentInvocations.Context("u1", "claims-letter", "1.1.0", "candidate", "sim-model"));
        assertThat(recent.get("ev-2")).isEmpty();
    }

    @Test
    void theOldestContextsMakeWayForNewOnes() {
        for (int i = 0; i < 250; i++) {
            recent.remember("ev-" + i, "u" + i, "claims-letter", "1.1.0", null, "sim-model");
        }
        for (int i = 0; i < 150; i++) {
            assertThat(recent.get("ev-" + i)).as("ev-%d, written over by the 100 after it", i).isEmpty();
        }
        for (int i = 150; i < 250; i++) {
            assertThat(recent.get("ev-" + i)).as("ev-%d", i).map(RecentInvocations.Context::userId).contains("u" + i);
        }
        assertThat(recent.contextsKept()).isEqualTo(100);
    }

    @Test
    void contextsFromSeveralThreadsStayWithinTheirBound() throws Exception {
        onFourThreads(10_000, i -> recent.remember("ev-" + i, "u" + i, "claims-letter", "1.1.0", null, "sim-model"));
        assertThat(recent.contextsKept()).as("one per slot once every writer is done").isEqualTo(100);
    }

    /** Calls {@code write} for 0 .. 4 × {@code each} - 1, a quarter on each of four threads at once, and waits for them. */
    private static void onFourThreads(int each, IntConsumer write) throws InterruptedException {
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            int from = t * each;
            writers[t] = new Thread(() -> IntStream.range(from, from + each).forEach(write));
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
    }
}
