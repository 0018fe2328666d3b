package dev.artsched.training.compare;

import dev.artsched.eval.EvalReport;
import dev.artsched.eval.EvalRow;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.artsched.internal.AtomicFiles;
import dev.artsched.scheduler.ArtException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A comparison's table: its rows, the winner per N, the winners' schedule files and compare.json. */
public final class CompareOutput {
    /** The file name of the comparison's JSON. */
    public static final String JSON = "compare.json";

    private CompareOutput() {
    }

    /**
     * One cell of the table.
     *
     * @param label   the exact spec (baselines) or the method id (learned grids)
     * @param method  the method id, or {@code baseline}
     * @param steps   N
     * @param nfe     the solver's denoiser calls at N
     * @param refRmse the ref-rmse
     * @param fid     the FID, or NaN without features
     * @param calls   denoiser calls spent learning the grid (0 for baselines)
     * @param seconds wall seconds spent learning the grid
     * @param file    the learned schedule file (null for baselines)
     */
    public record Row(String label, String method, int steps, int nfe, double refRmse, double fid, long calls,
                      double seconds, Path file) {
        /** The ranking value: FID when measured, else ref-rmse. */
        public double score() {
            return Double.isNaN(fid) ? refRmse : fid;
        }
    }

    /**
     * The outcome.
     *
     * @param rows    every cell, by label then N
     * @param winners the best row per N
     * @param files   the winner's schedule file per N
     * @param json    compare.json
     * @param plots   the plots written
     */
    public record Result(List<Row> rows, Map<Integer, Row> winners, Map<Integer, Path> files, Path json,
                         List<Path> plots) {
        /** Copies. */
        public Result {
            rows = List.copyOf(rows);
            winners = java.util.Collections.unmodifiableMap(new TreeMap<>(winners));
            files = java.util.Collections.unmodifiableMap(new TreeMap<>(files));
            plots = List.copyOf(plots);
        }
    }


    static Result write(Path out, String model, Solver solver, int[] steps, EvalReport rmse, EvalReport fid,
                        Map<String, Map<Integer, ScheduleFile>> learned, List<Path> plots) {
        Map<String, String> methodOf = new LinkedHashMap<>();
        learned.keySet().forEach(k -> methodOf.put(k, k));
        List<Row> rows = new ArrayList<>();
        for (EvalRow e : rmse.rows()) {
            double f = Double.NaN;
            for (EvalRow x : rows(fid)) {
                if (x.schedule().equals(e.schedule()) && x.steps() == e.steps()) {
                    f = x.value();
                }
            }
            ScheduleFile file = learned.containsKey(e.schedule()) ? learned.get(e.schedule()).get(e.steps()) : null;
            long calls = file == null ? 0 : number(file.training().get("denoiser_calls")).longValue();
            double secs = file == null ? 0 : number(file.training().get("wall_seconds")).doubleValue();
            Path path = file == null ? null : out.resolve(e.schedule() + "-" + solver.id() + "-" + e.steps() + ".json");
            rows.add(new Row(e.schedule(), file != null ? e.schedule() : e.schedule().startsWith("adaptive:")
                    ? "adaptive" : "baseline", e.steps(), e.nfe(), e.value(), f,
                    calls, secs, path));
        }
        Map<Integer, Row> winners = new TreeMap<>();
        for (Row row : rows) {
            if (row.label().startsWith("adaptive:")) {
                continue; // an adaptive scheduler has no grid to write
            }
            Row w = winners.get(row.steps());
            if (w == null || row.score() < w.score()) {
                winners.put(row.steps(), row);
            }
        }
        Path json = out.resolve(JSON);
        Map<Integer, Path> files = new TreeMap<>();
        for (Row w : winners.values()) {
            Path p = out.resolve("winner-" + solver.id() + "-" + w.steps() + ".json");
            ScheduleFile src = learned.containsKey(w.label()) ? learned.get(w.label()).get(w.steps()) : null;
            Map<String, Object> training = new LinkedHashMap<>();
            training.put("selected_by", "comparison");
            training.put("table", json.toString());
            training.put("row", w.label());
            training.put("metric", Double.isNaN(w.fid()) ? "ref-rmse" : "fid");
            training.put("value", w.score());
            training.put("solver", solver.id());
            training.put("model", model);
            if (rmse.info().get("conditioning") != null) {
                training.put("conditioning", rmse.info().get("conditioning"));
            }
            if (src != null) {
                training.put("method_training", src.training());
            }
            double[] sigmas = src != null ? src.sigmas() : baselineGrid(w, rmse);
            String method = src != null ? src.method() : "baseline";
            double smin = src != null ? src.sigmaMin() : sigmas[sigmas.length - 2];
            new ScheduleFile("winner-" + solver.id() + "-" + w.steps(), sigmas, solver, smin, sigmas[0], method,
                    training, Map.of()).write(p);
            files.put(w.steps(), p);
        }
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model);
        if (rmse.info().get("conditioning") != null) {
            j.put("conditioning", rmse.info().get("conditioning"));
        }
        j.put("solver", solver.id());
        j.put("steps", steps);
        j.put("metric", fid == null ? "ref-rmse" : "fid");
        if (rmse.info().get("adaptive_nfe") != null) {
            j.put("adaptive_nfe", rmse.info().get("adaptive_nfe"));
        }
        List<Map<String, Object>> rj = new ArrayList<>();
        for (Row row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schedule", row.label());
            m.put("method", row.method());
            m.put("steps", row.steps());
            m.put("nfe", row.nfe());
            m.put("ref_rmse", row.refRmse());
            if (!Double.isNaN(row.fid())) {
                m.put("fid", row.fid());
            }
            m.put("learning_calls", row.calls());
            m.put("learning_seconds", row.seconds());
            m.put("file", row.file() == null ? null : row.file().toString());
            rj.add(m);
        }
        j.put("rows", rj);
        Map<String, Object> wj = new LinkedHashMap<>();
        winners.forEach((n, w) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("schedule", w.label());
            m.put("file", files.get(n).toString());
            wj.put(String.valueOf(n), m);
        });
        j.put("winners", wj);
        j.put("ref_rmse", rmse.toJson());
        if (fid != null) {
            j.put("fid", fid.toJson());
        }
        j.put("plots", plots.stream().map(Path::toString).toList());
        writeJson(json, j);
        return new Result(rows, winners, files, json, plots);
    }

    private static double[] baselineGrid(Row w, EvalReport rmse) {
        @SuppressWarnings("unchecked")
        Map<String, String> specs = (Map<String, String>) rmse.info().get("schedulers");
        String spec = specs == null ? w.label() : specs.getOrDefault(w.label(), w.label());
        return dev.artsched.scheduler.TimestepSchedulers.create(spec).schedule(w.steps()).sigmas();
    }

    private static Number number(Object o) {
        return o instanceof Number n ? n : 0;
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static void writeJson(Path path, Object value) {
        try {
            AtomicFiles.write(path, (mapper().writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8),
                    "comparison");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ArtException("cannot encode the comparison as JSON: " + e.getMessage(), e);
        }
    }

    private static List<EvalRow> rows(EvalReport report) {
        return report == null ? List.of() : report.rows();
    }
}
