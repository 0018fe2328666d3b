package dev.artsched.eval;

import dev.artsched.sampling.StepListener;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Evaluates several schedules at several step counts with one {@link EvalMetric} and collects an
 * {@link EvalReport}. Every grid is built (and so validated) before any sampling starts, so a bad spec fails
 * fast; the total work is announced to the {@link Progress} first.
 */
public final class EvalRunner {

    /** A labelled source of grids, e.g. a {@link dev.artsched.scheduler.TimestepScheduler}'s schedule method. */
    public record Candidate(String label, IntFunction<Schedule> grids) {
        /** Validates. */
        public Candidate {
            if (label == null || label.isBlank() || grids == null) {
                throw new ArtException("a candidate schedule needs a label and a grid source, found none");
            }
        }
    }

    /** Progress callbacks: the total work once, then one call per sampler step and batch. */
    public interface Progress {
        /** A sink that ignores everything. */
        Progress NONE = new Progress() {
            @Override
            public void begin(long totalWork) {
            }

            @Override
            public void step() {
            }
        };

        /** Called once before any sampling with the total number of steps to come. */
        void begin(long totalWork);

        /** Called after each sampler step of one batch. */
        void step();
    }

    private EvalRunner() {
    }

    /** The grids of every candidate at every step count, keyed by label then steps. */
    public static Map<String, List<Schedule>> grids(List<Candidate> candidates, int[] steps) {
        if (candidates == null || candidates.isEmpty()) {
            throw new ArtException("expected at least one schedule to evaluate, found none");
        }
        if (steps == null || steps.length == 0) {
            throw new ArtException("expected at least one step count, found none");
        }
        Set<Integer> seen = new HashSet<>();
        for (int n : steps) {
            if (!seen.add(n)) {
                throw new ArtException("step count " + n + " is listed twice; expected distinct step counts");
            }
        }
        Map<String, List<Schedule>> out = new LinkedHashMap<>();
        for (Candidate c : candidates) {
            if (out.containsKey(c.label())) {
                throw new ArtException("schedule '" + c.label() + "' is listed twice; expected distinct schedules");
            }
            List<Schedule> list = new ArrayList<>();
            for (int n : steps) {
                if (n < 1) {
                    throw new ArtException("steps must be >= 1, found " + n);
                }
                Schedule s = c.grids().apply(n);
                if (s.steps() != n) {
                    throw new ArtException("schedule '" + c.label() + "' returned " + s.steps()
                            + " steps, expected " + n);
                }
                list.add(s);
            }
            out.put(c.label(), list);
        }
        return out;
    }

    /** Evaluates every candidate at every step count; rows are ordered by candidate, then step count. */
    public static EvalReport run(List<Candidate> candidates, int[] steps, EvalMetric metric, Progress progress,
                                 Map<String, Object> info) {
        Map<String, List<Schedule>> grids = grids(candidates, steps);
        Progress p = progress == null ? Progress.NONE : progress;
        long total = 0;
        Set<Double> starts = new HashSet<>();
        for (List<Schedule> list : grids.values()) {
            for (Schedule s : list) {
                total += metric.work(s);
                if (starts.add(s.sigmaMax())) {
                    total += metric.referenceWork(s.sigmaMax());
                }
            }
        }
        p.begin(total);
        StepListener listener = (step, n, sigma, sigmaNext, nfe) -> p.step();
        List<EvalRow> rows = new ArrayList<>();
        for (Map.Entry<String, List<Schedule>> e : grids.entrySet()) {
            for (Schedule s : e.getValue()) {
                double value = metric.evaluate(s, listener);
                rows.add(new EvalRow(e.getKey(), s.steps(), s.nfe(metric.solver()), value));
            }
        }
        return new EvalReport(metric.id(), metric.solver(), rows, info);
    }
}
