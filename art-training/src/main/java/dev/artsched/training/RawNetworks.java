package dev.artsched.training;

import dev.artsched.onnx.OnnxOptions;
import dev.artsched.onnx.OnnxTimestepModel;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.adapters.ConditionalAdapter;
import dev.artsched.sampling.adapters.DiscreteVpSchedule;
import dev.artsched.sampling.adapters.EpsilonPredictionDenoiser;
import dev.artsched.sampling.adapters.FlowMatchingDenoiser;
import dev.artsched.sampling.adapters.VPredictionDenoiser;
import dev.artsched.scheduler.ArtException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw eps/v/flow networks opened as EDM denoisers through the adapters of {@code dev.artsched.sampling.adapters}
 * ({@link OnnxTimestepModel}: int64 or float timestep, [B] or rank 0), conditioned or guided when a conditioning
 * set is given. The VP table of eps/v comes from an alphas_cumprod file (.npy, float32 or float64, or text) or a
 * beta schedule spec.
 */
final class RawNetworks {
    /** sigma_min reported for flow models. */
    static final double FLOW_SIGMA_MIN = 0.002;
    /** sigma_max reported for flow models (t = 0.9877). */
    static final double FLOW_SIGMA_MAX = 80;
    /** The longest alphas_cumprod table read. */
    static final int MAX_TABLE = 100_000;
    private static final Pattern BETAS = Pattern.compile(
            "(scaled-linear|linear):beta_start=([^,]+),beta_end=([^,]+),steps=(\\d+)");

    private RawNetworks() {
    }

    static Assembled open(Path path, DenoiserOptions o) {
        Parameterisation p = o.param();
        List<String> names = p.inputNames();
        DiscreteVpSchedule table = p.prediction().equals("flow") ? null : table(p);
        Conditionings.Sets sets = o.conditioned() ? Conditionings.Sets.read(o) : null;
        OnnxTimestepModel m = OnnxTimestepModel.load(path, names == null ? null : names.get(0),
                names == null ? null : names.get(1), p.outputName(), OnnxOptions.defaults());
        Denoiser d;
        try {
            boolean ints = m.integerTimesteps();
            if (sets != null) {
                ConditionalAdapter a = switch (p.prediction()) {
                    case "eps" -> ConditionalAdapter.epsilon(m, table, ints);
                    case "v" -> ConditionalAdapter.vPrediction(m, table, ints);
                    default -> ConditionalAdapter.flow(m, p.timestepScale(), FLOW_SIGMA_MIN, FLOW_SIGMA_MAX);
                };
                d = Conditionings.wrap(a, sets, o);
            } else {
                if (!m.conditioningInputs().isEmpty()) {
                    throw new ArtException("the network " + path + " declares conditioning inputs "
                            + m.conditioningInputs() + ": expected a conditioning set for them, found none");
                }
                d = switch (p.prediction()) {
                    case "eps" -> new EpsilonPredictionDenoiser(m, table, ints);
                    case "v" -> new VPredictionDenoiser(m, table, ints);
                    default -> new FlowMatchingDenoiser(m, p.timestepScale(), FLOW_SIGMA_MIN, FLOW_SIGMA_MAX);
                };
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        Map<String, Object> all = ModelFiles.provenance(m.metadata(), path);
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("prediction", p.prediction());
        if (p.alphasCumprod() != null) {
            prov.put("alphas_cumprod_file", p.alphasCumprod().toString());
            prov.put("alphas_cumprod_sha256", ModelFiles.sha256(p.alphasCumprod()));
        }
        if (p.betas() != null) {
            prov.put("betas", p.betas());
        }
        if (table != null) {
            prov.put("train_timesteps", table.size());
        }
        if (p.prediction().equals("flow")) {
            prov.put("timestep_scale", p.timestepScale());
        }
        prov.put("integer_timesteps", m.integerTimesteps());
        all.put("parameterisation", prov);
        if (sets != null) {
            all.put("conditioning", Conditionings.provenance(o, sets, d));
        }
        return new Assembled(d, path, null, all, List.of(m), (j, owner) -> {
            throw new ArtException("a JVP graph is for EDM denoiser graphs: the raw " + p.prediction()
                    + " network " + path + " uses finite differences; expected no JVP graph, found " + j);
        });
    }

    /** The VP table from the alphas_cumprod file or the beta schedule. */
    static DiscreteVpSchedule table(Parameterisation p) {
        if (p.betas() != null) {
            Matcher m = BETAS.matcher(p.betas().trim().toLowerCase(Locale.ROOT).replace(" ", ""));
            if (!m.matches()) {
                throw new ArtException("the beta schedule must look like scaled-linear:beta_start=0.00085,"
                        + "beta_end=0.012,steps=1000 (or linear:...), found '" + ArtException.quote(p.betas()) + "'");
            }
            try {
                return DiscreteVpSchedule.linearBetas(Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                        Integer.parseInt(m.group(4)), m.group(1).equals("scaled-linear"));
            } catch (NumberFormatException e) {
                throw new ArtException("the beta schedule expected numbers, found '" + ArtException.quote(p.betas())
                        + "'");
            }
        }
        return new DiscreteVpSchedule(readTable(p.alphasCumprod()));
    }

    /** alphas_cumprod from a 1-D .npy (little-endian float32 or float64) or a text file of numbers. */
    static double[] readTable(Path file) {
        String where = "alphas_cumprod file " + file;
        if (!Files.isRegularFile(file)) {
            throw new ArtException(where + ": expected a .npy or text file, found no such file");
        }
        try {
            if (Files.size(file) > 16L * MAX_TABLE + 4096) {
                throw new ArtException(where + ": expected at most " + MAX_TABLE + " values, found a "
                        + Files.size(file) + "-byte file");
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > 6 && bytes[0] == (byte) 0x93 && bytes[1] == 'N') {
                return npy(bytes, where);
            }
            List<Double> v = new ArrayList<>();
            for (String tok : new String(bytes, StandardCharsets.UTF_8).split("[\\s,\\[\\]]+")) {
                if (!tok.isEmpty()) {
                    try {
                        v.add(Double.parseDouble(tok));
                    } catch (NumberFormatException e) {
                        throw new ArtException(where + ": expected numbers, found '" + ArtException.quote(tok) + "'");
                    }
                }
            }
            return v.stream().mapToDouble(Double::doubleValue).toArray();
        } catch (IOException e) {
            throw new ArtException(where + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    private static double[] npy(byte[] b, String where) {
        int major = b[6];
        int hl = major == 1 ? (b[8] & 0xff) | (b[9] & 0xff) << 8
                : ByteBuffer.wrap(b, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int off = major == 1 ? 10 : 12;
        if (hl < 0 || off + hl > b.length) {
            throw new ArtException(where + ": expected a .npy header, found a truncated file");
        }
        String h = new String(b, off, hl, StandardCharsets.ISO_8859_1);
        Matcher d = Pattern.compile("'descr'\\s*:\\s*'([^']*)'").matcher(h);
        Matcher s = Pattern.compile("'shape'\\s*:\\s*\\(\\s*(\\d+)\\s*,?\\s*\\)").matcher(h);
        if (!d.find() || !s.find() || h.contains("'fortran_order': True")) {
            throw new ArtException(where + ": expected a 1-D C-order .npy array, found header '"
                    + ArtException.quote(h.trim()) + "'");
        }
        int n = Integer.parseInt(s.group(1));
        int width = d.group(1).equals("<f8") ? 8 : d.group(1).equals("<f4") ? 4 : -1;
        if (width < 0) {
            throw new ArtException(where + ": expected dtype <f4 or <f8, found '" + d.group(1) + "'");
        }
        if (n > MAX_TABLE || off + hl + (long) n * width > b.length) {
            throw new ArtException(where + ": expected " + n + " values of " + width + " bytes (at most " + MAX_TABLE
                    + "), found a truncated or oversized file");
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off + hl, n * width).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = width == 8 ? buf.getDouble() : buf.getFloat();
        }
        return v;
    }
}
