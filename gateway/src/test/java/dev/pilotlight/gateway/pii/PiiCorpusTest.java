package dev.pilotlight.gateway.pii;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pilotlight.gateway.text.TextFold;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Recall and precision of PII detection on a generated corpus (PiiCorpus: 1,000 values per kind in
 * the formats people write, a quarter of them full-width or with zero-width characters inside, and
 * 2,000 texts of ordinary claims text full of numbers). Figures are printed and recorded in
 * docs/security.md; the target is at least 99% recall per kind.
 */
class PiiCorpusTest {
    private static final int PER_KIND = 1000;
    private final PiiDetector detector = new PiiDetector();

    @Test
    void recallPerKindIsAtLeast99PercentAndOrdinaryClaimsTextStaysClean() {
        PiiCorpus corpus = new PiiCorpus(20261130L);
        Map<PiiKind, Integer> found = new EnumMap<>(PiiKind.class);
        Map<String, Integer> missedByFormat = new TreeMap<>();
        int wrongKind = 0;
        for (PiiKind kind : PiiKind.values()) {
            for (PiiCorpus.Item item : corpus.positives(kind, PER_KIND)) {
                String text = TextFold.normalize(item.text());
                String value = TextFold.normalize(item.value());
                List<PiiDetector.Span> spans = detector.find(text);
                boolean hit = spans.stream().anyMatch(s -> s.kind() == kind && s.value().contains(stripEdges(value)));
                if (hit) {
                    found.merge(kind, 1, Integer::sum);
                } else {
                    missedByFormat.merge(kind + " " + item.format(), 1, Integer::sum);
                }
                wrongKind += (int) spans.stream().filter(s -> s.kind() != kind).count();
            }
        }
        List<PiiCorpus.Item> negatives = corpus.negatives(2 * PER_KIND);
        int falsePositives = 0;
        for (PiiCorpus.Item n : negatives) {
            falsePositives += detector.find(TextFold.normalize(n.text())).size();
        }
        List<PiiCorpus.Item> bare = corpus.bareNumbers(PER_KIND);
        long bareFlagged = bare.stream().filter(b -> !detector.find(b.text()).isEmpty()).count();
        int truePositives = found.values().stream().mapToInt(Integer::intValue).sum();
        double precision = truePositives / (double) (truePositives + falsePositives + wrongKind);
        StringBuilder report = new StringBuilder("PII corpus (seed 20261130): recall per kind over " + PER_KIND + " values\n");
        for (PiiKind k : PiiKind.values()) {
            report.append(String.format("  %-5s %6.2f%%%n", k, 100.0 * found.getOrDefault(k, 0) / PER_KIND));
        }
        report.append(String.format("  precision %.2f%% (%d findings in %d claims texts, %d of another kind in the positives)%n",
                100 * precision, falsePositives, negatives.size(), wrongKind));
        report.append(String.format("  bare 9- and 10-digit identifiers redacted as SSN or phone: %.1f%% (by design)%n",
                100.0 * bareFlagged / bare.size()));
        report.append("  misses by format: ").append(missedByFormat);
        System.out.println(report);
        for (PiiKind k : PiiKind.values()) {
            assertThat(found.getOrDefault(k, 0) / (double) PER_KIND).as(report.toString()).isGreaterThanOrEqualTo(0.99);
        }
        assertThat(precision).as(report.toString()).isGreaterThanOrEqualTo(0.98);
    }

    /** The value without separators at its ends, as a span may start at a digit rather than at "(" or "+". */
    private static String stripEdges(String v) {
        return v.replaceAll("^[(+]+", "");
    }
}
