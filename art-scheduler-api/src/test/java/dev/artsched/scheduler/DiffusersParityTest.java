package dev.artsched.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static dev.artsched.scheduler.ParityGoldens.COVERED;
import static dev.artsched.scheduler.ParityGoldens.F32;
import static dev.artsched.scheduler.ParityGoldens.close;
import static dev.artsched.scheduler.ParityGoldens.read;
import static dev.artsched.scheduler.ParityGoldens.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code diffusers_discrete} against diffusers' {@code EulerDiscreteScheduler} on the SD 1.5 table (every
 * {@code timestep_spacing}, {@code steps_offset} 0 and 1, {@code use_karras/exponential/beta_sigmas}), and
 * {@code edm}/{@code exponential} against its {@code EDMEulerScheduler}; goldens in {@code diffusers.json}.
 */
class DiffusersParityTest {
    private static final JsonNode DIFFUSERS = read("diffusers.json");

    @Test
    void float32TableBitForBit() {
        double[] want = values(DIFFUSERS.get("table"));
        DiffusersDiscreteScheduler s = (DiffusersDiscreteScheduler) TimestepSchedulers.create("diffusers_discrete");
        assertThat(s.table()).containsExactly(want);
        // ComfyUI's table is computed in double and only stored as float32; diffusers' float32 betas and alphas
        // move it by up to 1.3e-5 relative (sigma_min 0.0291675 vs 0.0291672)
        double[] comfy = ((DiscreteScheduler) TimestepSchedulers.create("simple")).table();
        close(comfy, want, 2e-5, "ComfyUI table vs diffusers table");
    }

    @Test
    void eulerDiscreteSpacingsAndSigmas() {
        Map<String, Integer> counts = new TreeMap<>();
        for (JsonNode c : DIFFUSERS.get("euler_sd15")) {
            String variant = c.get("variant").asText();
            String spacing = c.get("spacing").asText();
            String sigmas = variant.equals(spacing) ? "table" : variant;
            int n = c.get("n").asInt();
            String spec = "diffusers_discrete:spacing=" + spacing + ",steps_offset=" + c.get("steps_offset").asInt()
                    + ",sigmas=" + sigmas;
            double[] want = values(c.get("sigmas"));
            TimestepScheduler s = TimestepSchedulers.create(spec);
            if (want.length != n + 1) {
                // numpy's arange(1000, 0, -1000 / 61) has 62 values: diffusers runs 62 steps when asked for 61
                assertThat(spacing).isEqualTo("trailing");
                assertThatThrownBy(() -> s.schedule(n)).isInstanceOf(ArtException.class)
                        .hasMessageContaining("expected " + n + " timesteps, found " + (want.length - 1));
                counts.merge("rejected", 1, Integer::sum);
                continue;
            }
            double[] got = s.schedule(n).sigmas();
            if (sigmas.equals("table")) {
                assertThat(got).as("%s N=%d", spec, n).containsExactly(want);
            } else {
                // the same double operations rounded to float32: bit for bit here; Java's and libm's pow/exp may
                // differ in the last double bit, which could move a value by one float32 ulp elsewhere
                for (int i = 0; i < want.length; i++) {
                    assertThat(Math.abs(got[i] - want[i])).as("%s N=%d sigma[%d]: %s vs peer %s", spec, n, i, got[i],
                            want[i]).isLessThanOrEqualTo(Math.ulp((float) want[i]));
                }
            }
            counts.merge(spacing + "/" + sigmas, 1, Integer::sum);
        }
        assertThat(counts).containsEntry("linspace/table", 43).containsEntry("leading/table", 43 + 6)
                .containsEntry("trailing/table", 42).containsEntry("rejected", 1)
                .containsEntry("linspace/karras", 43).containsEntry("linspace/beta", 43)
                .containsEntry("trailing/exponential", 6).hasSize(13);
        COVERED.add("diffusers_discrete");
    }

    /** diffusers' continuous use_beta_sigmas is not ComfyUI's discrete beta: the grids differ (docs/CONVENTIONS.md). */
    @Test
    void continuousBetaDiffersFromComfyUiBeta() {
        double[] continuous = TimestepSchedulers.schedule("diffusers_discrete:sigmas=beta", 10).sigmas();
        double[] discrete = TimestepSchedulers.schedule("beta", 10).sigmas();
        close(new double[] {continuous[0]}, new double[] {discrete[0]}, 2e-5, "sigma_max");
        assertThat(Math.abs(continuous[5] / discrete[5] - 1)).isGreaterThan(0.1);
    }

    @Test
    void edmEulerSchedulerMatchesEdmAndExponential() {
        int checked = 0;
        for (JsonNode c : DIFFUSERS.get("edm_euler")) {
            double lo = c.get("sigma_min").asDouble();
            double hi = c.get("sigma_max").asDouble();
            int n = c.get("n").asInt();
            if (n == 1 && "exponential".equals(c.get("sigma_schedule").asText())) {
                // Deliberate difference: EDMEulerScheduler's one-step exponential grid is [sigma_min, 0] (it
                // flips linspace(log min, log max, 1)); k-diffusion and ComfyUI, and this library, give [sigma_max, 0].
                close(values(c.get("sigmas")), new double[] {lo, 0.0}, F32, "EDMEulerScheduler exponential N=1");
                assertThat(new ExponentialScheduler(lo, hi).schedule(1).sigmas()).containsExactly(hi, 0.0);
                continue;
            }
            boolean karras = "karras".equals(c.get("sigma_schedule").asText());
            TimestepScheduler s = karras ? new EdmScheduler(lo, hi, c.get("rho").asDouble())
                    : new ExponentialScheduler(lo, hi);
            // karras: double, rounded to float32; exponential: torch.linspace of the logs in float32 (default dtype)
            close(s.schedule(n).sigmas(), values(c.get("sigmas")), karras ? F32 : 1e-6, "EDMEulerScheduler " + c);
            checked++;
        }
        assertThat(checked).isEqualTo(2 * 40 - 1); // and the one-step exponential difference above
    }

    @Test
    void rejectsBadOptions() {
        assertThatThrownBy(() -> TimestepSchedulers.create("diffusers_discrete:spacing=even"))
                .hasMessageContaining("spacing").hasMessageContaining("linspace").hasMessageContaining("'even'");
        assertThatThrownBy(() -> TimestepSchedulers.create("diffusers_discrete:steps_offset=1.5"))
                .hasMessageContaining("steps_offset");
        assertThatThrownBy(() -> TimestepSchedulers.create("diffusers_discrete:sigmas=vp"))
                .hasMessageContaining("karras");
    }
}
