package dev.pilotlight.reports.usage;

import dev.pilotlight.common.usage.Scorecard;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The usage reports' charts as PNG bytes (JFreeChart, headless); days are numbered from the window's first. */
final class UsageCharts {
    static final int WIDTH = 720;
    static final int HEIGHT = 280;

    private UsageCharts() {}

    static byte[] activity(List<Scorecard.Day> days) {
        XYSeries users = new XYSeries("active users");
        XYSeries calls = new XYSeries("calls");
        for (int i = 0; i < days.size(); i++) {
            users.add(i + 1, days.get(i).activeUsers());
            calls.add(i + 1, days.get(i).calls());
        }
        return line("Active users and calls per day", "calls / users", users, calls);
    }

    static byte[] quality(List<Scorecard.Day> days) {
        XYSeries acceptance = new XYSeries("acceptance rate");
        XYSeries satisfaction = new XYSeries("satisfaction / 5");
        for (int i = 0; i < days.size(); i++) {
            Scorecard.Day d = days.get(i);
            if (d.acceptanceAnswers() > 0) {
                acceptance.add(i + 1, (double) d.accepted() / d.acceptanceAnswers());
            }
            if (d.scores() > 0) {
                satisfaction.add(i + 1, d.scoreSum() / d.scores() / 5);
            }
        }
        return line("Answers used without heavy edits, and satisfaction, per day", "share", acceptance, satisfaction);
    }

    static byte[] value(List<Scorecard.Day> days) {
        XYSeries value = new XYSeries("value of time saved (cumulative $)");
        XYSeries cost = new XYSeries("AI cost (cumulative $)");
        double v = 0;
        double c = 0;
        for (int i = 0; i < days.size(); i++) {
            v += days.get(i).valueUsd();
            c += days.get(i).costUsd();
            value.add(i + 1, v);
            cost.add(i + 1, c);
        }
        return line("Value and AI cost over the window", "USD", value, cost);
    }

    static byte[] funnel(Scorecard.Funnel f) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        data.addValue(1.0, "reached", "invited");
        data.addValue(f.activationRate(), "reached", "activated (2 weeks)");
        data.addValue(f.regularRate(), "reached", "regular (4+ uses)");
        data.addValue(f.powerRate(), "reached", "power (20+ uses)");
        data.addValue(1.0, "target", "invited");
        data.addValue(f.targetActivated(), "target", "activated (2 weeks)");
        data.addValue(f.targetRegular(), "target", "regular (4+ uses)");
        data.addValue(f.targetPower(), "target", "power (20+ uses)");
        JFreeChart chart = ChartFactory.createBarChart("Adoption funnel of the " + f.invited() + " invited users", null, "share of invited",
                data, PlotOrientation.VERTICAL, true, false, false);
        chart.getCategoryPlot().setBackgroundPaint(Color.WHITE);
        chart.getCategoryPlot().setRangeGridlinePaint(new Color(0xdddddd));
        chart.getCategoryPlot().getRenderer().setSeriesPaint(0, new Color(0x1f77b4));
        chart.getCategoryPlot().getRenderer().setSeriesPaint(1, new Color(0xbbbbbb));
        return png(chart);
    }

    private static byte[] line(String title, String axis, XYSeries... series) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (XYSeries s : series) {
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "day", axis, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xdddddd));
        plot.setDomainGridlinePaint(new Color(0xdddddd));
        plot.getRenderer().setSeriesPaint(0, new Color(0x1f77b4));
        plot.getRenderer().setSeriesPaint(1, new Color(0xff7f0e));
        return png(chart);
    }

    private static byte[] png(JFreeChart chart) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
