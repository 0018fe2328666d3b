package dev.artsched.cli;

import dev.artsched.training.run.IterationStats;
import dev.artsched.training.run.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A training run's progress on stderr: a bar opened at the first iteration (so errors found before training
 * starts stay one clean line) showing the live gamma and budget error, one bar per phase of the other grid methods,
 * and notes as {@code art: note:} lines.
 */
final class TrainingBar implements TrainingListener, AutoCloseable {
    private final CommandSpec spec;
    private final String task;
    private final long max;
    private ProgressBar bar;
    private String phase;

    TrainingBar(CommandSpec spec, String task, long max) {
        this.spec = spec;
        this.task = task;
        this.max = max;
    }

    @Override
    public void onIteration(IterationStats s) {
        if (bar == null || phase != null) {   // after another phase's bar (reference rollouts, probes)
            close();
            phase = null;
            bar = CliSupport.progressBar(spec, task, max);
        }
        bar.stepTo(s.iteration());
        bar.setExtraMessage(String.format(Locale.ROOT, " gamma %.4f budget %+.3f", s.gamma(), s.budgetError()));
    }

    @Override
    public void onProgress(String name, long done, long total) {
        if (bar == null || !name.equals(phase)) {
            close();
            phase = name;
            bar = CliSupport.progressBar(spec, name, total);
        }
        bar.stepTo(done);
    }

    @Override
    public void onStatus(String status) {
        if (bar != null) {
            bar.setExtraMessage(" " + status);
        }
    }

    @Override
    public void onNote(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("art: note: " + message);
        err.flush();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
