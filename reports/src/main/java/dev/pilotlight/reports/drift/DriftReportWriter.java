package dev.pilotlight.reports.drift;

import dev.pilotlight.common.drift.DriftMeasures;
import dev.pilotlight.common.event.ReleaseChange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Writes a drift report as Markdown (charts as PNG files beside it) and as one self-contained HTML page
 * (the same charts inlined), for a product owner: what moved, how much, against what, and which
 * release changes happened around it (docs/drift.md, "Reports").
 */
public final class DriftReportWriter {
    /** The files written. */
    public record Written(Path markdown, Path html, List<Path> charts) {}

    private DriftReportWriter() {}

    public static Written write(DriftReportData d, Path dir) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Files.createDirectories(dir);
        String base = "drift-" + d.route();
        Path chartDir = dir.resolve(base + "-charts");
        Files.createDirectories(chartDir);
        StringBuilder md = new StringBuilder();
        StringBuilder html = new StringBuilder();
        List<Path> charts = new ArrayList<>();
        head(d, md, html);
        for (DriftReportData.FeatureSection f : d.features()) {
            byte[] hist = DriftCharts.histograms(f, d.referenceKind());
            byte[] psi = DriftCharts.psiOverTime(f, d.releases());
            Path h = chartDir.resolve(f.feature() + "-histograms.png");
            Path p = chartDir.resolve(f.feature() + "-psi.png");
            Files.write(h, hist);
            Files.write(p, psi);
            charts.add(h);
            charts.add(p);
            String title = f.feature() + " (" + f.kind() + ")" + (f.drifted() ? ": drifted" : "");
            md.append("\n### ").append(title).append("\n\n").append(featureLine(f)).append("\n\n")
                    .append("![").append(f.feature()).append(" histograms](").append(chartDir.getFileName()).append('/').append(h.getFileName())
                    .append(")\n![").append(f.feature()).append(" PSI](").append(chartDir.getFileName()).append('/').append(p.getFileName()).append(")\n");
            html.append("<h3>").append(esc(title)).append("</h3><p>").append(esc(featureLine(f))).append("</p>")
                    .append(img(hist, f.feature() + " histograms")).append(img(psi, f.feature() + " PSI"));
        }
        html.append("</body></html>\n");
        Path mdFile = dir.resolve(base + ".md");
        Path htmlFile = dir.resolve(base + ".html");
        Files.writeString(mdFile, md);
        Files.writeString(htmlFile, html);
        return new Written(mdFile, htmlFile, charts);
    }

    private static void head(DriftReportData d, StringBuilder md, StringBuilder html) {
        String title = "Drift report: " + d.route();
        String period = Instant.ofEpochMilli(d.from()) + " to " + Instant.ofEpochMilli(d.to());
        List<String> summary = summary(d);
        md.append("# ").append(title).append("\n\n").append(period).append(", ").append(d.windows()).append(" windows of versions ")
                .append(String.join(", ", d.versions())).append(", compared with ").append(d.referenceLabel()).append(".\n\n");
        summary.forEach(s -> md.append("- ").append(s).append('\n'));
        md.append("\n| feature | kind | reference n | this period n | PSI | JS distance | chi-square p | windows drifted |\n")
                .append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title><style>")
                .append("body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}td:first-child,th:first-child{text-align:left}")
                .append(".drifted{color:#b00;font-weight:bold}img{display:block;max-width:100%;margin:.5em 0}</style></head><body>")
                .append("<h1>").append(esc(title)).append("</h1><p>").append(esc(period + ", " + d.windows() + " windows of versions "
                        + String.join(", ", d.versions()) + ", compared with " + d.referenceLabel() + ".")).append("</p><ul>");
        summary.forEach(s -> html.append("<li>").append(esc(s)).append("</li>"));
        html.append("</ul><table><tr><th>feature</th><th>kind</th><th>reference n</th><th>this period n</th><th>PSI</th>")
                .append("<th>JS distance</th><th>chi-square p</th><th>windows drifted</th></tr>");
        for (DriftReportData.FeatureSection f : d.features()) {
            String[] cells = {f.feature(), f.kind(), Long.toString(DriftMeasures.total(f.reference())),
                    Long.toString(DriftMeasures.total(f.current())), num(f.psi()), num(f.jsDistance()), pValue(f.pValue()),
                    f.windowsDrifted() + " of " + f.windowsScored()};
            md.append("| ").append(String.join(" | ", cells)).append(" |\n");
            html.append(f.drifted() ? "<tr class=\"drifted\">" : "<tr>");
            for (String c : cells) {
                html.append("<td>").append(esc(c)).append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
        if (!d.releases().isEmpty()) {
            md.append("\nRelease changes (green lines in the charts):\n\n");
            html.append("<p>Release changes (green lines in the charts):</p><ul>");
            for (ReleaseChange c : d.releases()) {
                md.append("- ").append(Instant.ofEpochMilli(c.at())).append(": ").append(c.what()).append('\n');
                html.append("<li>").append(esc(Instant.ofEpochMilli(c.at()) + ": " + c.what())).append("</li>");
            }
            html.append("</ul>");
        }
    }

    /** One line per kind: what drifted, or that nothing did; the read's problems too. */
    static List<String> summary(DriftReportData d) {
        List<String> out = new ArrayList<>();
        for (String kind : List.of("input", "output", "performance")) {
            List<DriftReportData.FeatureSection> moved = d.features().stream().filter(f -> f.kind().equals(kind) && f.drifted()).toList();
            long scored = d.features().stream().filter(f -> f.kind().equals(kind) && f.windowsScored() > 0).count();
            if (scored == 0) {
                out.add(cap(kind) + ": not enough data to judge (no window had enough samples on both sides).");
            } else if (moved.isEmpty()) {
                out.add(cap(kind) + ": no drift in any window.");
            } else {
                out.add(cap(kind) + " drift: " + String.join("; ", moved.stream().map(f -> f.feature() + " in " + f.windowsDrifted() + " of "
                        + f.windowsScored() + " windows (PSI up to " + String.format(Locale.ROOT, "%.2f", f.maxPsi()) + ")").toList()) + ".");
            }
        }
        if (d.windows() == 0) {
            out.add("No drift window of this route in the period: is the guard job running with the drift module?");
        }
        if (d.unreadable() > 0) {
            out.add(d.unreadable() + " records of guard.drift could not be read and were skipped.");
        }
        return out;
    }

    private static String featureLine(DriftReportData.FeatureSection f) {
        return "Over the period: PSI " + num(f.psi()) + ", Jensen–Shannon distance " + num(f.jsDistance()) + ", chi-square p "
                + pValue(f.pValue()) + "; the job judged " + f.windowsDrifted() + " of " + f.windowsScored() + " windows drifted"
                + (f.windowsScored() > 0 ? String.format(Locale.ROOT, " (PSI up to %.2f)", f.maxPsi()) : "") + ".";
    }

    private static String img(byte[] png, String alt) {
        return "<img alt=\"" + esc(alt) + "\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\">";
    }

    private static String num(Double v) {
        return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String pValue(Double p) {
        return p == null ? "–" : p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    private static String cap(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
