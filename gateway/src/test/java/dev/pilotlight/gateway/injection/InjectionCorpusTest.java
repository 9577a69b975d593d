package dev.pilotlight.gateway.injection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.gateway.catalog.Guards;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Detection and false-positive rates of the injection screen at the default threshold (0.7) on a
 * generated corpus (InjectionCorpus: 1,200 attacks written plainly or hidden, 1,200 ordinary claims
 * conversations). Figures are printed and recorded in docs/security.md.
 */
class InjectionCorpusTest {

    @Test
    void hiddenAttacksAreCaughtAndOrdinaryClaimsTextIsNot() {
        InjectionCorpus corpus = new InjectionCorpus(20261130L);
        ConversationScreen screen = new ConversationScreen();
        double threshold = Guards.DEFAULT.injectionThreshold();
        Map<String, int[]> byHow = new TreeMap<>(); // caught, total
        List<InjectionCorpus.Item> attacks = corpus.attacks(1200);
        for (InjectionCorpus.Item a : attacks) {
            ConversationScreen.Verdict v = screen.screen(a.turns(), a.sources(), Guards.DEFAULT, true);
            int[] c = byHow.computeIfAbsent(a.how(), k -> new int[2]);
            c[0] += Math.max(v.score(), v.indirectScore()) >= threshold ? 1 : 0;
            c[1]++;
        }
        List<InjectionCorpus.Item> ordinary = corpus.ordinary(1200);
        long falseAlarms = ordinary.stream().filter(o -> {
            ConversationScreen.Verdict v = screen.screen(o.turns(), o.sources(), Guards.DEFAULT, true);
            return Math.max(v.score(), v.indirectScore()) >= threshold;
        }).count();
        int caught = byHow.values().stream().mapToInt(c -> c[0]).sum();
        StringBuilder report = new StringBuilder(String.format("injection corpus (seed 20261130, threshold %.2f): detected %.1f%% of %d attacks, "
                + "false positives %.2f%% of %d ordinary conversations%n", threshold, 100.0 * caught / attacks.size(), attacks.size(),
                100.0 * falseAlarms / ordinary.size(), ordinary.size()));
        byHow.forEach((how, c) -> report.append(String.format("  %-24s %5.1f%% of %d%n", how, 100.0 * c[0] / c[1], c[1])));
        System.out.println(report);
        byHow.forEach((how, c) -> assertThat(c[0] / (double) c[1]).as(how + "\n" + report).isGreaterThanOrEqualTo(0.85));
        assertThat(caught / (double) attacks.size()).as(report.toString()).isGreaterThanOrEqualTo(0.95);
        assertThat(falseAlarms / (double) ordinary.size()).as(report.toString()).isLessThanOrEqualTo(0.01);
    }
}
