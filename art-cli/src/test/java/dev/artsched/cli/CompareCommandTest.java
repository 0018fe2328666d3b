package dev.artsched.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.artsched.scheduler.ScheduleFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CompareCommandTest {
    @TempDir
    Path dir;

    /** {@code art compare ARGS} in process. */
    private static CliRun run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "compare";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.run(all);
    }

    @Test
    void ranksTheMethodsAndWritesTheWinnersWithTheirProvenance() throws Exception {
        CliRun r = run("--denoiser", "analytic:mixture2d", "--solver", "euler", "--steps", "4,8", "--methods",
                "closed-form,gits,refine", "--rollouts", "64", "--warmup", "16", "--refine-iterations", "5",
                "--samples", "64", "--reference-steps", "64", "--out", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("uniform:sigma_min=0.0,sigma_max=10.0", "edm:rho=7.0,sigma_min=0.002,sigma_max=10.0",
                "closed-form", "gits", "refine", "winner N=4", "winner N=8");
        JsonNode json = new ObjectMapper().readTree(dir.resolve("compare.json").toFile());
        assertThat(json.path("rows")).hasSize(10);
        for (String n : new String[] {"4", "8"}) {
            JsonNode w = json.path("winners").path(n);
            ScheduleFile f = ScheduleFile.read(Path.of(w.path("file").asText()));
            assertThat(f.training()).containsEntry("row", w.path("schedule").asText())
                    .containsEntry("table", dir.resolve("compare.json").toString());
            double best = Double.POSITIVE_INFINITY;
            for (JsonNode row : json.path("rows")) {
                if (row.path("steps").asText().equals(n)) {
                    best = Math.min(best, row.path("ref_rmse").asDouble());
                }
            }
            assertThat(f.training().get("value")).isEqualTo(best);
        }
    }

    @Test
    void aTeacherCoarserThanNIsOneClearLine() {
        CliRun r = run("--denoiser", "analytic:mixture2d", "--steps", "12", "--teacher-steps", "8", "--out",
                dir.toString());
        assertThat(r.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(r.err()).isEqualTo("art: error: --teacher-steps 8 is coarser than N = 12; expected a teacher grid "
                + "of at least N steps\n");
    }
}
