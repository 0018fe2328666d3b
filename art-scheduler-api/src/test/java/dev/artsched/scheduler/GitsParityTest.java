package dev.artsched.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static dev.artsched.scheduler.ParityGoldens.COVERED;
import static dev.artsched.scheduler.ParityGoldens.F32;
import static dev.artsched.scheduler.ParityGoldens.close;
import static dev.artsched.scheduler.ParityGoldens.read;
import static dev.artsched.scheduler.ParityGoldens.values;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ComfyUI's GITSScheduler node reproduced through the import path: its published list for N imported with the
 * {@code replace} convention (N <= 20), or its 20-step list imported and resampled with {@code resample=loglinear}
 * (N > 20), for every coeff 0.80..1.50 and N = 2..40 (goldens: the node run in float64 and float32,
 * {@code comfyui.json} "gits").
 */
class GitsParityTest {
    private static final JsonNode GITS = read("comfyui.json").get("gits");

    @TempDir
    Path dir;

    private TimestepScheduler imported(String name, JsonNode list) {
        Path p = dir.resolve(name + ".json");
        ScheduleFile.importList(name, list.toString(), "GITS", Terminal.REPLACE).write(p);
        return TimestepSchedulers.create("art:path=" + p + ",resample=loglinear");
    }

    @Test
    void everyCoeffAndStepCountThroughImport() {
        List<String> coeffs = new ArrayList<>();
        int checked = 0;
        Iterator<Map.Entry<String, JsonNode>> it = GITS.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String coeff = e.getKey();
            coeffs.add(coeff);
            JsonNode lists = e.getValue().get("lists");
            assertThat(lists.size()).as("lists for N = 2..20").isEqualTo(19);
            TimestepScheduler twenty = imported("gits-" + coeff + "-20", lists.get(18));
            for (int n = 2; n <= 40; n++) {
                TimestepScheduler s = n <= 20 ? imported("gits-" + coeff + "-" + n, lists.get(n - 2)) : twenty;
                double[] got = s.schedule(n).sigmas();
                double[] want = values(e.getValue().get("float64").get(Integer.toString(n)));
                close(got, want, 1e-12, "GITS coeff " + coeff + " N=" + n);
                JsonNode f32 = e.getValue().get("float32").get(Integer.toString(n));
                if (f32 != null) {
                    close(got, values(f32), F32, "GITS coeff " + coeff + " N=" + n + " (node output, float32)");
                }
                checked++;
            }
        }
        assertThat(coeffs).containsExactly("0.80", "0.85", "0.90", "0.95", "1.00", "1.05", "1.10", "1.15", "1.20",
                "1.25", "1.30", "1.35", "1.40", "1.45", "1.50");
        assertThat(checked).isEqualTo(15 * 39);
        COVERED.add("art");
    }

    /**
     * The node's denoise < 1 keeps the last round(N * denoise) steps of its N-step grid. This project has no
     * denoise option (a host applies it to the grid it is given); the tail of the imported grid is that output.
     */
    @Test
    void denoiseIsTheTailOfTheFullGrid() {
        int checked = 0;
        Iterator<Map.Entry<String, JsonNode>> it = GITS.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode lists = e.getValue().get("lists");
            for (JsonNode c : e.getValue().get("denoise")) {
                int n = c.get("n").asInt();
                double[] want = values(c.get("float64"));
                assertThat(want.length - 1).isEqualTo((int) Math.rint(n * c.get("denoise").asDouble()));
                double[] full = imported("d", lists.get(Math.min(n, 20) - 2)).schedule(n).sigmas();
                close(Arrays.copyOfRange(full, full.length - want.length, full.length), want, 1e-12,
                        "GITS " + e.getKey() + " N=" + n + " denoise " + c.get("denoise"));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(15 * 6);
    }
}
