package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * PNG plots of evaluation results drawn with XChart, headless: the metric against NFE per schedule and sigma
 * against step index per grid, both with a logarithmic y axis (non-positive values cannot be drawn there and
 * are left out, e.g. the final sigma = 0).
 */
public final class EvalPlots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 600;

    private EvalPlots() {
    }

    /** Plots {@code report}'s value against NFE, one series per schedule, into the PNG file {@code out}. */
    public static void errorVsNfe(EvalReport report, Path out) {
        XYChart chart = chart(report.metric() + " vs NFE (" + report.solver().id() + ")", "NFE", report.metric());
        for (String name : report.schedules()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (EvalRow r : report.rowsOf(name)) {
                if (r.value() > 0 && Double.isFinite(r.value())) {
                    x.add((double) r.nfe());
                    y.add(r.value());
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(name, x, y);
            }
        }
        save(chart, out);
    }

    /** Plots each grid's positive sigmas against the step index, one series per schedule, into {@code out}. */
    public static void sigmaVsStep(List<Schedule> schedules, Path out) {
        XYChart chart = chart("sigma vs step", "step", "sigma");
        List<String> used = new ArrayList<>();
        for (Schedule s : schedules) {
            String name = s.name() + " (N=" + s.steps() + ")";
            if (used.contains(name)) {
                continue;
            }
            used.add(name);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < s.steps(); i++) {
                x.add((double) i);
                y.add(s.sigma(i));
            }
            chart.addSeries(name, x, y);
        }
        save(chart, out);
    }

    /** Plots a training curve (for example the PPO scheduler's mean reward per iteration, linear axes). */
    public static void curve(String title, String yTitle, double[] values, Path out) {
        XYChart chart = chart(title, "iteration", yTitle);
        chart.getStyler().setYAxisLogarithmic(false);
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i])) {
                x.add(i + 1.0);
                y.add(values[i]);
            }
        }
        if (!x.isEmpty()) {
            chart.addSeries(yTitle, x, y);
        }
        save(chart, out);
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        return chart;
    }

    private static void save(XYChart chart, Path out) {
        if (chart.getSeriesMap().isEmpty()) {
            throw new ArtException("nothing to plot for " + out + ": expected at least one positive value, found none");
        }
        try {
            Path abs = out.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            try (OutputStream os = Files.newOutputStream(abs)) {
                BitmapEncoder.saveBitmap(chart, os, BitmapEncoder.BitmapFormat.PNG);
            }
        } catch (IOException e) {
            throw new ArtException("cannot write plot " + out + ": " + e.getMessage(), e);
        }
    }
}
