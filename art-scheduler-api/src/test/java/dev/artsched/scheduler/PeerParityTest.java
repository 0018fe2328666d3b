package dev.artsched.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static dev.artsched.scheduler.ParityGoldens.COVERED;
import static dev.artsched.scheduler.ParityGoldens.F32;
import static dev.artsched.scheduler.ParityGoldens.close;
import static dev.artsched.scheduler.ParityGoldens.read;
import static dev.artsched.scheduler.ParityGoldens.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Built-in schedulers and the import path against golden grids computed by the peers' own code
 * ({@code tools/parity/generate_goldens.py}; the JSON files record each peer's commit). Peers that return float32
 * are compared to float32 precision; float64 runs of the same functions to 1e-12.
 */
class PeerParityTest {
    private static JsonNode kd;
    private static JsonNode comfy;
    private static JsonNode diffusers;

    @BeforeAll
    static void load() {
        kd = read("kdiffusion.json");
        comfy = read("comfyui.json");
        diffusers = read("diffusers.json");
        assertThat(kd.get("commit").asText()).matches("[0-9a-f]{40}");
        assertThat(diffusers.get("commit").asText()).matches("[0-9a-f]{40}");
        assertThat(comfy.get("commit").asText()).contains("311c01406130b2acbe8ab291043502de26cf3871");
    }

    /** float32 peers: pow(., 1/rho) then ^rho, and exp of a float32 log, amplify one float32 rounding. */
    private static double tolerance(JsonNode c, double f64) {
        return "float64".equals(c.get("dtype").asText()) ? f64 : 2e-5;
    }

    @Test
    void kDiffusionClosedForms() {
        int checked = 0;
        for (JsonNode c : kd.get("cases")) {
            int n = c.get("n").asInt();
            double[] want = values(c.get("sigmas"));
            String fn = c.get("fn").asText();
            TimestepScheduler s = switch (fn) {
                case "karras" -> new EdmScheduler(c.get("sigma_min").asDouble(), c.get("sigma_max").asDouble(),
                        c.get("rho").asDouble());
                case "exponential" -> new ExponentialScheduler(c.get("sigma_min").asDouble(),
                        c.get("sigma_max").asDouble());
                case "polyexponential" -> new PolyexponentialScheduler(c.get("sigma_min").asDouble(),
                        c.get("sigma_max").asDouble(), c.get("rho").asDouble());
                default -> new VpScheduler(c.get("beta_d").asDouble(), c.get("beta_min").asDouble(),
                        c.get("eps_s").asDouble());
            };
            // vp: this library uses expm1; the peer's exp(x) - 1 loses up to ~1e-11 relative near t = eps_s.
            // In float32 the peer's exp(x) - 1 cancels near t = eps_s (about 2e-4 relative at sigma ~ 0.01).
            double rel = fn.equals("vp") && "float32".equals(c.get("dtype").asText()) ? 5e-4
                    : tolerance(c, fn.equals("vp") ? 1e-10 : 1e-12);
            close(s.schedule(n).sigmas(), want, rel, fn + " N=" + n + " " + c.get("dtype").asText());
            checked++;
        }
        assertThat(checked).isEqualTo(280);
        COVERED.addAll(Set.of("edm", "exponential", "polyexponential", "vp"));
    }

    @Test
    void comfyUiSchedulerHandlers() {
        JsonNode h = comfy.get("handlers");
        JsonNode table = comfy.get("table");
        double lo = table.get("sigma_min").asDouble();
        double hi = table.get("sigma_max").asDouble();
        DiscreteScheduler sd = (DiscreteScheduler) TimestepSchedulers.create("simple");
        assertThat(sd.table()).as("SD table, float32 as ComfyUI stores it").containsExactly(values(table.get("sigmas")));
        Map<String, TimestepScheduler> ours = Map.of(
                "simple", sd,
                "sgm_uniform", TimestepSchedulers.create("sgm_uniform"),
                "normal", TimestepSchedulers.create("normal"),
                "beta", TimestepSchedulers.create("beta"),
                "karras", new EdmScheduler(lo, hi, 7),
                "exponential", new ExponentialScheduler(lo, hi),
                "kl_optimal", new KlOptimalScheduler(lo, hi),
                "linear_quadratic", TimestepSchedulers.create("linear_quadratic"));
        for (Map.Entry<String, TimestepScheduler> e : ours.entrySet()) {
            Iterator<Map.Entry<String, JsonNode>> it = h.get(e.getKey()).fields();
            int count = 0;
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> c = it.next();
                int n = Integer.parseInt(c.getKey());
                double[] got = e.getValue().schedule(n).sigmas();
                double[] want = values(c.getValue());
                if (Set.of("simple", "beta", "linear_quadratic").contains(e.getKey())) {
                    // simple/beta pick float32 table entries; linear_quadratic repeats ComfyUI's float32 arithmetic
                    assertThat(got).as("%s N=%d exactly", e.getKey(), n).containsExactly(want);
                } else {
                    // karras/exponential/kl_optimal run in float32 in ComfyUI (tan near pi/2, ^rho amplify it).
                    double rel = Set.of("sgm_uniform", "normal").contains(e.getKey()) ? 1e-6 : 2e-5;
                    close(got, want, rel, "comfyui " + e.getKey() + " N=" + n);
                }
                count++;
            }
            assertThat(count).as(e.getKey()).isEqualTo(39);
        }
        COVERED.addAll(Set.of("simple", "sgm_uniform", "normal", "beta", "kl_optimal", "linear_quadratic"));
    }

    /**
     * ComfyUI's ddim_uniform places (T - 2) // (T // N) + 1 steps, N only for some N (on the SD table, N = 2..5, 8,
     * 9, 10, 20, 25, 27, 37, 40 of 2..40). Where it places N steps the built-in matches exactly; elsewhere the
     * built-in rejects N (documented difference: ComfyUI silently returns the other count).
     */
    @Test
    void comfyUiDdimUniform() {
        TimestepScheduler s = TimestepSchedulers.create("ddim_uniform");
        Set<Integer> exact = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> it = comfy.get("handlers").get("ddim_uniform").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> c = it.next();
            int n = Integer.parseInt(c.getKey());
            double[] want = values(c.getValue());
            int peerSteps = want.length - 1;
            assertThat(DiscreteScheduler.ddimCount(1000, n)).as("N=%d", n).isEqualTo(peerSteps);
            if (peerSteps == n) {
                assertThat(s.schedule(n).sigmas()).as("ddim_uniform N=%d", n).containsExactly(want);
                exact.add(n);
            } else {
                assertThatThrownBy(() -> s.schedule(n)).isInstanceOf(ArtException.class)
                        .hasMessageContaining("expected " + n + " steps, found " + peerSteps)
                        .hasMessageContaining("nearest step counts");
            }
        }
        assertThat(exact).containsExactly(2, 3, 4, 5, 8, 9, 10, 20, 25, 27, 37, 40);
        assertThatThrownBy(() -> s.schedule(7)).hasMessageContaining("places exactly: 5 and 8");
        COVERED.add("ddim_uniform");
    }

    @Test
    void alignYourStepsNodeThroughImport(@TempDir Path dir) {
        Iterator<Map.Entry<String, JsonNode>> models = comfy.get("ays").fields();
        while (models.hasNext()) {
            Map.Entry<String, JsonNode> m = models.next();
            Path p = dir.resolve(m.getKey() + ".json");
            ScheduleFile.importList(m.getKey(), m.getValue().get("list").toString(), "AYS", Terminal.REPLACE).write(p);
            TimestepScheduler s = TimestepSchedulers.create("art:path=" + p + ",resample=loglinear");
            for (int n = 1; n <= 40; n++) {
                double[] got = s.schedule(n).sigmas();
                close(got, values(m.getValue().get("float64").get(Integer.toString(n))), 1e-12,
                        "AYS " + m.getKey() + " N=" + n);
                close(got, values(m.getValue().get("float32").get(Integer.toString(n))), F32,
                        "AYS " + m.getKey() + " N=" + n + " (node output, float32)");
            }
        }
        COVERED.add("art");
    }

    @Test
    void diffusersEulerAndAysSchedules() {
        int checked = 0;
        for (JsonNode c : diffusers.get("euler_sd15")) {
            String v = c.get("variant").asText();
            if (!"linspace".equals(c.get("spacing").asText()) || c.get("n").asInt() < 2) {
                continue; // other spacings move the range; diffusers_discrete covers them (DiffusersParityTest)
            }
            double lo = c.get("table_sigma_min").asDouble();
            double hi = c.get("table_sigma_max").asDouble();
            TimestepScheduler s = switch (v) {
                case "karras" -> new EdmScheduler(lo, hi, 7);
                case "exponential" -> new ExponentialScheduler(lo, hi);
                default -> null; // the spacings and continuous beta: diffusers_discrete (DiffusersParityTest)
            };
            if (s != null) {
                int n = c.get("n").asInt();
                // diffusers computes in double from the float32 table's ends and rounds to float32
                close(s.schedule(n).sigmas(), values(c.get("sigmas")), F32, "diffusers " + v + " N=" + n);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(2 * 42);
        JsonNode ays = diffusers.get("ays").get("StableDiffusionSigmas");
        ScheduleFile f = ScheduleFile.importList("ays", ays.toString(), "diffusers", Terminal.REPLACE);
        assertThat(f.sigmas()).containsExactly(values(ays));
        assertThat(f.steps()).isEqualTo(10);
    }

    @Test
    void textFormsRoundTripThroughImportBitForBit() {
        for (String spec : TimestepSchedulers.names()) {
            if (spec.equals("art")) {
                continue;
            }
            // ddim_uniform places exactly N steps only for some N (comfyUiDdimUniform)
            for (int n : spec.equals("ddim_uniform") ? new int[] {1, 2, 9, 40} : new int[] {1, 2, 9, 30}) {
                Schedule s = TimestepSchedulers.schedule(spec, n);
                for (SigmaText.Format f : SigmaText.Format.values()) {
                    String text = SigmaText.format(s, f);
                    for (Terminal t : Terminal.values()) {
                        assertThat(ScheduleFile.importList("x", text, f.id(), t).sigmas()).as("%s N=%d %s", spec, n, f)
                                .isEqualTo(s.sigmas());
                    }
                }
            }
        }
        assertThat(SigmaText.format(Schedule.of("g", 3, 0.5, 0), SigmaText.Format.COMFYUI)).isEqualTo("3.0, 0.5, 0.0");
        assertThat(SigmaText.format(Schedule.of("g", 3, 0.5, 0), SigmaText.Format.DIFFUSERS))
                .isEqualTo("[3.0, 0.5, 0.0]");
    }

    @Test
    void everyBuiltInHasAParityCase() {
        kDiffusionClosedForms();
        comfyUiSchedulerHandlers();
        comfyUiDdimUniform();
        new DiffusersParityTest().eulerDiscreteSpacingsAndSigmas();
        COVERED.add("art"); // alignYourStepsNodeThroughImport, GitsParityTest
        Set<String> uniform = Set.of("uniform");
        // uniform: the paper's grid, ending at 0 with sigma_min = 0; no peer offers it, its formula is checked
        // against independent values in BuiltinSchedulersTest.
        Set<String> missing = new TreeSet<>(TimestepSchedulers.names());
        missing.removeAll(COVERED);
        missing.removeAll(uniform);
        assertThat(missing).as("built-ins without a parity case").isEmpty();
    }
}
