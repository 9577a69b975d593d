package dev.pilotlight.reports.drift;

import dev.pilotlight.common.drift.DriftMeasures;
import dev.pilotlight.common.event.ReleaseChange;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.time.Millisecond;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

/** The report's charts as PNG bytes (JFreeChart, headless): a feature's two histograms side by side, and its PSI per window. */
final class DriftCharts {
    static final int WIDTH = 720;
    static final int HEIGHT = 300;

    private DriftCharts() {}

    static byte[] histograms(DriftReportData.FeatureSection f, String referenceKind) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        double refTotal = Math.max(1, DriftMeasures.total(f.reference()));
        double curTotal = Math.max(1, DriftMeasures.total(f.current()));
        for (int i = 0; i < f.bins().size(); i++) {
            data.addValue(f.reference()[i] / refTotal, "reference (" + referenceKind + ")", f.bins().get(i));
            data.addValue(f.current()[i] / curTotal, "this period", f.bins().get(i));
        }
        JFreeChart chart = ChartFactory.createBarChart(f.feature() + ": share of calls per " + (f.bins().size() > 0
                && f.bins().get(0).startsWith("[") ? "bin" : "category"), null, "share", data, PlotOrientation.VERTICAL, true, false, false);
        chart.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
        chart.getCategoryPlot().setRangeGridlinePaint(new Color(0xdddddd));
        chart.getCategoryPlot().getRenderer().setSeriesPaint(0, new Color(0x8c8c8c));
        chart.getCategoryPlot().getRenderer().setSeriesPaint(1, new Color(0x1f77b4));
        return png(chart);
    }

    static byte[] psiOverTime(DriftReportData.FeatureSection f, List<ReleaseChange> releases) {
        TimeSeriesCollection data = new TimeSeriesCollection();
        TimeSeries drifted = new TimeSeries("window the test called drifted");
        java.util.Map<String, TimeSeries> byReference = new java.util.TreeMap<>();
        double max = 0.25;
        for (DriftReportData.Point p : f.psiOverTime()) {
            Millisecond at = new Millisecond(new java.util.Date(p.at()));
            byReference.computeIfAbsent(p.reference(), k -> new TimeSeries("PSI against " + k)).addOrUpdate(at, p.psi());
            if (p.drifted()) {
                drifted.addOrUpdate(at, p.psi());
            }
            max = Math.max(max, p.psi() * 1.05);
        }
        byReference.values().forEach(data::addSeries);
        data.addSeries(drifted);
        JFreeChart chart = ChartFactory.createTimeSeriesChart(f.feature() + ": PSI per window", null, "PSI", data, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.setSeriesRenderingOrder(org.jfree.chart.plot.SeriesRenderingOrder.FORWARD);
        plot.getRangeAxis().setRange(0, max);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        Color[] palette = {new Color(0x1f77b4), new Color(0x9467bd), new Color(0x8c564b)};
        for (int i = 0; i < byReference.size(); i++) {
            r.setSeriesPaint(i, palette[i % palette.length]);
        }
        r.setSeriesLinesVisible(byReference.size(), false);
        r.setSeriesPaint(byReference.size(), new Color(0xd62728));
        r.setSeriesShape(byReference.size(), new java.awt.geom.Ellipse2D.Double(-5, -5, 10, 10));
        plot.setRenderer(r);
        band(plot, 0.1, "moderate", new Color(0xff7f0e), RectangleAnchor.BOTTOM_LEFT, TextAnchor.TOP_LEFT);
        band(plot, 0.2, "significant", new Color(0xd62728), RectangleAnchor.TOP_RIGHT, TextAnchor.BOTTOM_RIGHT);
        for (ReleaseChange c : releases) {
            ValueMarker m = new ValueMarker(c.at(), new Color(0x2ca02c), new BasicStroke(1.5f));
            m.setLabel(c.what());
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addDomainMarker(m);
        }
        return png(chart);
    }

    private static void band(XYPlot plot, double at, String label, Color color, RectangleAnchor anchor, TextAnchor text) {
        ValueMarker m = new ValueMarker(at, color, new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 4f}, 0f));
        m.setLabel(label + " " + at);
        m.setLabelAnchor(anchor); // moderate below its line at the left, significant above its line at the right: never on top of each other
        m.setLabelTextAnchor(text);
        plot.addRangeMarker(m);
    }

    private static byte[] png(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        try {
            return ChartUtils.encodeAsPNG(chart.createBufferedImage(WIDTH, HEIGHT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
