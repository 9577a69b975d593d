package dev.pilotlight.reports.drift;

import dev.pilotlight.common.drift.DriftMeasures;
import dev.pilotlight.common.event.DriftScore;
import dev.pilotlight.common.event.DriftSnapshot;
import dev.pilotlight.common.event.ReleaseChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a drift report shows for one route and period, computed from its drift snapshots: per feature
 * the reference and the period's histograms side by side with their PSI, Jensen–Shannon distance and
 * chi-square p-value, and the job's own per-window decisions over time; the release changes as markers.
 * The reference is the route's pinned baseline when it has one, else the trailing windows before the
 * period's first window.
 */
public record DriftReportData(String route, long from, long to, String referenceKind, String referenceLabel, int windows,
                              List<String> versions, List<FeatureSection> features, List<ReleaseChange> releases, int unreadable) {

    /** One window's score of a feature against one reference kind (baseline, trailing, previous_release). */
    public record Point(long at, String reference, double psi, boolean drifted) {}

    public record FeatureSection(String feature, String kind, List<String> bins, long[] reference, long[] current, Double psi,
                                 Double jsDistance, Double pValue, int windowsScored, int windowsDrifted, double maxPsi,
                                 List<Point> psiOverTime) {
        public boolean drifted() {
            return windowsDrifted > 0;
        }
    }

    private static final Pattern BIN = Pattern.compile("^\\[(\\d+(?:\\.\\d+)?),");

    public static DriftReportData of(String route, long from, long to, DriftSnapshotReader.Snapshots read) {
        List<DriftSnapshot> ws = read.windows();
        DriftSnapshot withBaseline = ws.stream().filter(s -> s.references() != null && s.references().containsKey("baseline"))
                .reduce((a, b) -> b).orElse(null);
        DriftSnapshot firstTrailing = ws.stream().filter(s -> s.references() != null && s.references().containsKey("trailing"))
                .findFirst().orElse(null);
        String kind = withBaseline != null ? "baseline" : "trailing";
        Map<String, Map<String, Long>> reference = withBaseline != null ? withBaseline.references().get("baseline")
                : firstTrailing != null ? firstTrailing.references().get("trailing") : Map.of();
        String label = withBaseline != null ? withBaseline.scores().stream().filter(s -> s.reference().equals("baseline"))
                .map(DriftScore::referenceLabel).findFirst().orElse("the pinned baseline")
                : firstTrailing != null ? "the trailing windows before " + java.time.Instant.ofEpochMilli(firstTrailing.windowStart())
                : "none (no window had a reference)";
        Map<String, Map<String, Long>> current = new HashMap<>();
        Map<String, String> kinds = new LinkedHashMap<>();
        for (DriftSnapshot s : ws) {
            s.current().forEach((f, bins) -> bins.forEach((b, n) -> current.computeIfAbsent(f, k -> new HashMap<>()).merge(b, n, Long::sum)));
            s.scores().forEach(x -> kinds.putIfAbsent(x.feature(), x.kind()));
        }
        List<FeatureSection> features = new ArrayList<>();
        kinds.entrySet().stream().sorted(Map.Entry.<String, String>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> features.add(section(e.getKey(), e.getValue(), reference.getOrDefault(e.getKey(), Map.of()),
                        current.getOrDefault(e.getKey(), Map.of()), ws, kind)));
        TreeSet<String> versions = new TreeSet<>();
        ws.forEach(s -> versions.add(s.promptVersion()));
        List<ReleaseChange> releases = ws.stream().flatMap(s -> s.releaseChanges() == null ? java.util.stream.Stream.empty()
                        : s.releaseChanges().stream()).filter(c -> c.at() >= from - 86_400_000L && c.at() < to).distinct()
                .sorted(Comparator.comparingLong(ReleaseChange::at)).toList();
        return new DriftReportData(route, from, to, kind, label, ws.size(), List.copyOf(versions), features, releases, read.unreadable());
    }

    private static FeatureSection section(String feature, String kind, Map<String, Long> ref, Map<String, Long> cur, List<DriftSnapshot> ws,
                                          String referenceKind) {
        List<String> bins = ordered(ref, cur);
        long[] r = DriftMeasures.aligned(bins, ref);
        long[] c = DriftMeasures.aligned(bins, cur);
        boolean both = DriftMeasures.total(r) > 0 && DriftMeasures.total(c) > 0;
        List<Point> points = new ArrayList<>();
        int scored = 0;
        int drifted = 0;
        double max = 0;
        for (DriftSnapshot s : ws) {
            for (DriftScore x : s.scores()) {
                if (!x.feature().equals(feature) || x.psi() == null) {
                    continue;
                }
                boolean d = Boolean.TRUE.equals(x.drifted());
                points.add(new Point(x.windowEnd(), x.reference(), x.psi(), d));
                if (x.reference().equals(referenceKind)) { // the counts in the table are against the report's reference
                    scored++;
                    drifted += d ? 1 : 0;
                    max = Math.max(max, x.psi());
                }
            }
        }
        return new FeatureSection(feature, kind, bins, r, c, both ? DriftMeasures.psi(r, c) : null,
                both ? DriftMeasures.jensenShannon(r, c) : null, both ? DriftMeasures.chiSquarePValue(r, c) : null,
                scored, drifted, max, points);
    }

    /** Numeric bins ("[8,11)") by their lower edge; categories alphabetically. */
    static List<String> ordered(Map<String, Long> a, Map<String, Long> b) {
        TreeSet<String> all = new TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        List<String> out = new ArrayList<>(all);
        if (!out.isEmpty() && out.stream().allMatch(l -> BIN.matcher(l).find())) {
            out.sort(Comparator.comparingDouble(DriftReportData::lowerEdge));
        }
        return out;
    }

    private static double lowerEdge(String label) {
        Matcher m = BIN.matcher(label);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

}
