package dev.pilotlight.reports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One report written twice as it is built: Markdown with its charts as PNG files beside it, and one self-contained
 * HTML page with the same charts inlined (nothing to fetch: it can be mailed or archived as is).
 */
public final class ReportPage {
    /** The files written. */
    public record Written(Path markdown, Path html, List<Path> charts) {}

    private final String base;
    private final StringBuilder md = new StringBuilder();
    private final StringBuilder html = new StringBuilder();
    private final List<Chart> charts = new ArrayList<>();

    private record Chart(String file, byte[] png) {}

    /** @param base the files' name without extension, e.g. {@code readiness-claims-notes} */
    public ReportPage(String base, String title) {
        this.base = base;
        md.append("# ").append(title).append("\n\n");
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title><style>")
                .append("body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222;line-height:1.4}table{border-collapse:collapse;margin:.5em 0}")
                .append("td,th{border:1px solid #ccc;padding:.25em .5em;text-align:right}td:first-child,th:first-child{text-align:left}")
                .append(".MET,.GO{color:#1a7f37;font-weight:bold}.SHORT,.ITERATE{color:#9a6700;font-weight:bold}")
                .append(".FAILED,.STOP{color:#b00;font-weight:bold}.UNKNOWN{color:#777}img{display:block;max-width:100%;margin:.5em 0}")
                .append("</style></head><body><h1>").append(esc(title)).append("</h1>");
    }

    public ReportPage heading(String text) {
        md.append("\n## ").append(text).append("\n\n");
        html.append("<h2>").append(esc(text)).append("</h2>");
        return this;
    }

    public ReportPage paragraph(String text) {
        md.append(text).append("\n\n");
        html.append("<p>").append(esc(text)).append("</p>");
        return this;
    }

    public ReportPage bullets(List<String> items) {
        items.forEach(i -> md.append("- ").append(i).append('\n'));
        md.append('\n');
        html.append("<ul>");
        items.forEach(i -> html.append("<li>").append(esc(i)).append("</li>"));
        html.append("</ul>");
        return this;
    }

    /** A table; a cell equal to a status or verdict name (MET, SHORT, GO, …) is coloured in the HTML. */
    public ReportPage table(List<String> headers, List<List<String>> rows) {
        md.append("| ").append(String.join(" | ", headers.stream().map(ReportPage::mdCell).toList())).append(" |\n|");
        headers.forEach(h -> md.append(" --- |"));
        md.append('\n');
        html.append("<table><tr>");
        headers.forEach(h -> html.append("<th>").append(esc(h)).append("</th>"));
        html.append("</tr>");
        for (List<String> row : rows) {
            md.append("| ").append(String.join(" | ", row.stream().map(ReportPage::mdCell).toList())).append(" |\n");
            html.append("<tr>");
            row.forEach(c -> html.append("<td class=\"").append(esc(c)).append("\">").append(esc(c)).append("</td>"));
            html.append("</tr>");
        }
        md.append('\n');
        html.append("</table>");
        return this;
    }

    /** A chart: a PNG file beside the Markdown, inlined in the HTML. */
    public ReportPage chart(String name, String alt, byte[] png) {
        String file = base + "-charts/" + name + ".png";
        charts.add(new Chart(file, png));
        md.append("![").append(alt).append("](").append(file).append(")\n\n");
        html.append("<img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\">");
        return this;
    }

    public Written write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve(base + "-charts"));
        List<Path> written = new ArrayList<>();
        for (Chart c : charts) {
            written.add(Files.write(dir.resolve(c.file()), c.png()));
        }
        Path m = Files.writeString(dir.resolve(base + ".md"), md);
        Path h = Files.writeString(dir.resolve(base + ".html"), html + "</body></html>\n");
        return new Written(m, h, written);
    }

    public String markdown() {
        return md.toString();
    }

    static String mdCell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    public static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
