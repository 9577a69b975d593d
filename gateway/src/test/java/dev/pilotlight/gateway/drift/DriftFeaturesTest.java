package dev.pilotlight.gateway.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.common.Deadline;
import dev.pilotlight.common.event.InvocationEvent;
import dev.pilotlight.gateway.output.RefusalCheck;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The drift features the gateway computes on redacted texts: language, nearest topic, refusal. */
class DriftFeaturesTest {
    static final Map<String, List<String>> TOPICS = Map.of(
            "denial", List.of("Draft a denial letter for a claim that is not covered by the policy",
                    "Write a letter rejecting the claim because flood damage is excluded"),
            "missing-documents", List.of("Ask the customer to send the missing receipts and the police report",
                    "Request the additional documents we need before we can process the claim"),
            "status-update", List.of("Tell the customer their claim is still under review",
                    "Write a short update on the progress of the claim"));
    private static TopicModel topics;

    @BeforeAll
    static void loadModel() {
        topics = new TopicModel(Map.of("claims-letter", new DriftSampling(1, 10, TOPICS, 0.3, Set.of())));
    }

    @Test
    void textsGoToTheNearestTopicAndUnrelatedOnesToOther() {
        assertThat(topics.nearest("claims-letter", "Please write to the policyholder that we decline claim 4411, water damage is not covered", 0.3))
                .isEqualTo("denial");
        assertThat(topics.nearest("claims-letter", "We still need the invoice for the repair and a copy of [EMAIL_1]'s ID", 0.3))
                .isEqualTo("missing-documents");
        assertThat(topics.nearest("claims-letter", "Give them an update: the adjuster is still reviewing their file", 0.3))
                .isEqualTo("status-update");
        assertThat(topics.nearest("claims-letter", "What is the boiling point of tungsten in kelvin?", 0.3)).isEqualTo(TopicModel.OTHER);
        assertThat(topics.nearest("other-route", "anything", 0.3)).isNull();
    }

    @Test
    void languagesAreTheIsoCodesAndShortNoiseIsUndetermined() {
        LanguageGuess g = new LanguageGuess();
        assertThat(g.of("Please draft a letter telling the customer that the claim has been approved.")).isEqualTo("en");
        assertThat(g.of("Bitte schreiben Sie dem Kunden, dass der Schaden von der Versicherung übernommen wird.")).isEqualTo("de");
        assertThat(g.of("Veuillez informer le client que son dossier est toujours en cours d'examen.")).isEqualTo("fr");
        assertThat(g.of("")).isEqualTo(LanguageGuess.UNDETERMINED);
    }

    @Test
    void aGuessAmongFewLanguagesNamesOnlyThoseOrUndetermined() {
        LanguageGuess g = new LanguageGuess(Set.of("en", "de"));
        assertThat(g.of("Bitte schreiben Sie dem Kunden, dass der Schaden von der Versicherung übernommen wird.")).isEqualTo("de");
        assertThat(g.of("Please draft a letter telling the customer that the claim has been approved.")).isEqualTo("en");
        assertThat(g.of("Veuillez informer le client que son dossier est toujours en cours d'examen.")).isIn("en", "de", LanguageGuess.UNDETERMINED);
        assertThat(LanguageGuess.KNOWN).hasSize(70).contains("en", "de", "zh-CN");
    }

    @Test
    void theSamplerLoadsTheRoutesLanguagesOrAllWhenOneRouteNamesNone() {
        DriftSampling en = new DriftSampling(1, 10, Map.of(), 0.3, Set.of("en"));
        DriftSampling deFr = new DriftSampling(1, 10, Map.of(), 0.3, Set.of("de", "fr"));
        assertThat(DriftSampler.languagesToLoad(List.of(en, deFr))).containsExactlyInAnyOrder("en", "de", "fr");
        assertThat(DriftSampler.languagesToLoad(List.of(en, new DriftSampling(1, 10, Map.of(), 0.3, Set.of())))).isEmpty();
    }

    /**
     * The sampler reports its own thread's CPU time: the model's load, then at least a tenth of a millisecond per text
     * embedded (two a call), never more than the wall-clock time that passed, and never less after the thread ends.
     */
    @Test
    void theSamplersCpuTimeGrowsWithEveryEmbeddedCallAndNeverFallsBack() throws InterruptedException {
        List<InvocationEvent.Builder> emitted = new CopyOnWriteArrayList<>();
        int calls = 20;
        double loaded;
        double embedded;
        long wallNanos;
        DriftSampler s = new DriftSampler(Map.of("claims-letter", new DriftSampling(1, 1000, TOPICS, 0.3, Set.of("en"))));
        try {
            Deadline.require("the sampler's models loaded", Duration.ofSeconds(60), s::warm);
            loaded = s.cpuSeconds();
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                s.emit("claims-letter", "Please draft a denial letter for claim " + i + ": flood damage is not covered",
                        "Dear customer, we regret that claim " + i + " cannot be paid.", InvocationEvent.builder().eventId("e" + i), emitted::add);
            }
            Deadline.require("every call emitted with its features", Duration.ofSeconds(60), () -> emitted.size() == calls);
            embedded = s.cpuSeconds();
            wallNanos = System.nanoTime() - start;
        } finally {
            s.close();
        }
        assertThat(emitted).allSatisfy(b -> assertThat(b.build().inputTopic()).isEqualTo("denial"));
        assertThat(loaded).as("loading the language profiles and the model ran on the sampler's thread").isPositive();
        assertThat(embedded - loaded).as("CPU seconds for %d calls, two texts each", calls)
                .isGreaterThanOrEqualTo(2 * calls * 0.0001).isLessThanOrEqualTo(wallNanos / 1e9 + 0.01);
        assertThat(s.cpuSeconds()).as("after the thread ended").isGreaterThanOrEqualTo(embedded);
    }

    @Test
    void refusalsAreReadFromTheOpeningOrTheFinishReason() {
        assertThat(RefusalCheck.isRefusal("stop", "I'm sorry, but I can't help with drafting that letter.")).isTrue();
        assertThat(RefusalCheck.isRefusal("stop", "I cannot provide legal advice.")).isTrue();
        assertThat(RefusalCheck.isRefusal("stop", "I can’t assist with that request.")).isTrue();
        assertThat(RefusalCheck.isRefusal("content_filter", "")).isTrue();
        assertThat(RefusalCheck.isRefusal("stop", " \n\tI cannot help with that.")).isTrue(); // leading space is not the opening
        assertThat(RefusalCheck.isRefusal("stop", "x".repeat(200) + " I cannot help with that.")).isFalse();
        assertThat(RefusalCheck.isRefusal("stop", "Dear Ms. Smith, we cannot approve the claim because the policy lapsed.")).isFalse();
        assertThat(RefusalCheck.isRefusal("stop", "Here is the letter. The customer wrote: 'I can't help with the deductible'.")).isFalse();
    }
}
