package dev.artsched.eval;

import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Solver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The result of an evaluation: metric, solver and one {@link EvalRow} per schedule and step count, plus
 * free-form run information (denoiser, samples, seed, timings). Renders as a text table (one line per step
 * count, one column per schedule) or as the JSON object of the {@code eval} command.
 *
 * @param metric the metric id
 * @param solver the solver
 * @param rows   the results, in evaluation order
 * @param info   extra fields appended to the JSON object (insertion order kept)
 */
public record EvalReport(String metric, Solver solver, List<EvalRow> rows, Map<String, Object> info) {

    /** Validates and copies. */
    public EvalReport {
        if (metric == null || solver == null || rows == null) {
            throw new ArtException("an evaluation report needs a metric, a solver and rows, found null");
        }
        rows = List.copyOf(rows);
        info = info == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(info));
    }

    /** Schedule labels in first-seen order. */
    public List<String> schedules() {
        Set<String> names = new LinkedHashSet<>();
        for (EvalRow r : rows) {
            names.add(r.schedule());
        }
        return new ArrayList<>(names);
    }

    /** The rows of one schedule, in evaluation order. */
    public List<EvalRow> rowsOf(String schedule) {
        List<EvalRow> out = new ArrayList<>();
        for (EvalRow r : rows) {
            if (r.schedule().equals(schedule)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The JSON object: {@code {"metric", "solver", "rows": [{"schedule", "steps", "nfe", "value"}], ...info}}. */
    public Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("metric", metric);
        root.put("solver", solver.id());
        List<Map<String, Object>> list = new ArrayList<>();
        for (EvalRow r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schedule", r.schedule());
            m.put("steps", r.steps());
            m.put("nfe", r.nfe());
            m.put("value", r.value());
            list.add(m);
        }
        root.put("rows", list);
        for (Map.Entry<String, Object> e : info.entrySet()) {
            root.putIfAbsent(e.getKey(), e.getValue());
        }
        return root;
    }

    /** A fixed-width table: one line per step count, one column per schedule. */
    public String toTable() {
        List<String> names = schedules();
        Set<Integer> steps = new TreeSet<>();
        for (EvalRow r : rows) {
            steps.add(r.steps());
        }
        List<String> header = new ArrayList<>(List.of("steps", "nfe"));
        header.addAll(names);
        List<List<String>> lines = new ArrayList<>();
        lines.add(header);
        for (int n : steps) {
            List<String> line = new ArrayList<>();
            line.add(Integer.toString(n));
            line.add(Integer.toString(solver.nfe(n)));
            for (String name : names) {
                String cell = "-";
                for (EvalRow r : rows) {
                    if (r.steps() == n && r.schedule().equals(name)) {
                        cell = String.format(Locale.ROOT, "%.6g", r.value());
                    }
                }
                line.add(cell);
            }
            lines.add(line);
        }
        int[] width = new int[header.size()];
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                width[i] = Math.max(width[i], line.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(metric).append(" (solver ").append(solver.id()).append(", lower is better)\n");
        for (List<String> line : lines) {
            for (int i = 0; i < line.size(); i++) {
                if (i > 0) {
                    sb.append("  ");
                }
                String cell = line.get(i);
                sb.append(" ".repeat(width[i] - cell.length())).append(cell);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
