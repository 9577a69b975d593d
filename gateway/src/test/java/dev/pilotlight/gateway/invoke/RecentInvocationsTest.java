package dev.pilotlight.gateway.invoke;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.usage.ReviewItem;
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
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            int from = t * 400;
            writers[t] = new Thread(() -> {
                for (int i = from; i < from + 400; i++) {
                    recent.rememberAnswer("ev-" + i, "answer " + i);
                }
            });
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
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
}
