package dev.artsched.cli;

import dev.artsched.eval.EvalRunner;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Model.CommandSpec;

/** An evaluation's progress as a bar on stderr, opened when the total work is announced; closes idempotently. */
final class BarProgress implements EvalRunner.Progress, AutoCloseable {
    private final CommandSpec spec;
    private final String task;
    private ProgressBar bar;

    BarProgress(CommandSpec spec, String task) {
        this.spec = spec;
        this.task = task;
    }

    @Override
    public void begin(long totalWork) {
        close();
        bar = CliSupport.progressBar(spec, task, totalWork);
    }

    @Override
    public void step() {
        bar.step();
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
