package dev.artsched.cli;

import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.training.run.Checkpoint;
import dev.artsched.eval.Gaussian1dW2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TrainCommandTest {
    private static final Path MIXTURE = Path.of("..", "models", "mixture2d");

    @TempDir
    Path dir;

    /** {@code art train ARGS} in process. */
    private static CliRun run(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.run(all);
    }

    @Test
    void closedFormOnTheOneDimensionalBenchmarkIsNearTheOptimum() {
        Path out = dir.resolve("cf.json");
        CliRun r = run("--denoiser", "analytic:gauss1d", "--steps", "5", "--solver", "euler", "--method", "closed-form",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        ScheduleFile f = ScheduleFile.read(out);
        assertThat(f.method()).isEqualTo("art-closed-form");
        assertThat(f.steps()).isEqualTo(5);
        assertThat(f.sigmaMax()).isEqualTo(3.0);
        assertThat(Gaussian1dW2.exact(f.sigmas())).isCloseTo(0.1493, within(0.02 * 0.1493));
        assertThat(f.training()).containsEntry("model", "analytic:gauss1d").containsEntry("jvp", "exact")
                .containsKeys("seed", "rollouts", "denoiser_calls", "wall_seconds");
    }

    @Test
    void artRlWritesAScheduleAndResumeContinuesTheRun() throws Exception {
        Path out = dir.resolve("rl.json");
        String[] common = {"--denoiser", "analytic:gauss1d", "--steps", "5", "--solver", "heun", "--out",
            out.toString(), "--batch", "4", "--train-steps", "20", "--distill", "40", "--checkpoint-every", "10",
            "--seed", "4", "--json"};
        CliRun first = run(concat(common, "--iterations", "20"));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out().trim()).startsWith("{").endsWith("}").contains("\"method\":\"art-rl\"");
        ScheduleFile f = ScheduleFile.read(out);
        assertThat(f.steps()).isEqualTo(5);
        assertThat(f.training()).containsEntry("iterations", 20).containsEntry("resample", "time-map")
                .containsKeys("final_gamma", "seed", "hyperparameters", "denoiser_calls", "q_norm");
        Path ck = dir.resolve("rl.ckpt");
        assertThat(Checkpoint.read(ck).iteration()).isEqualTo(20);
        assertThat(Files.readAllLines(dir.resolve("rl.metrics.jsonl"))).hasSize(20);

        CliRun resumed = run(concat(common, "--iterations", "30", "--resume"));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("\"resumed_from\":20").contains("\"iterations\":30");
        ScheduleFile g = ScheduleFile.read(out);
        assertThat(g.training()).containsEntry("iterations", 30).containsEntry("resumed_from", 20);
        assertThat(Files.readAllLines(dir.resolve("rl.metrics.jsonl"))).hasSize(30);
    }

    @Test
    void unreadableCheckpointIsOneClearErrorLine() throws Exception {
        Path out = dir.resolve("x.json");
        Files.writeString(dir.resolve("x.ckpt"), "garbage");
        CliRun r = run("--denoiser", "analytic:gauss1d", "--steps", "5", "--solver", "euler", "--out", out.toString(),
                "--iterations", "5", "--batch", "2", "--train-steps", "10", "--resume");
        assertThat(r.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(r.err().trim()).startsWith("art: error: checkpoint").contains("is unreadable")
                .doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(out).doesNotExist();
    }

    @Test
    void badOptionValuesAreClearErrors() {
        CliRun r = run("--denoiser", "analytic:nope", "--steps", "5", "--solver", "euler", "--out",
                dir.resolve("y.json").toString(), "--method", "closed-form");
        assertThat(r.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(r.err()).contains("unknown analytic model 'nope'");
        CliRun s = run("--denoiser", "analytic:gauss1d", "--steps", "5", "--solver", "rk4", "--out",
                dir.resolve("y.json").toString());
        assertThat(s.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(s.err()).contains("unknown solver 'rk4'");
    }

    @Test
    void ppoOnTwoDimensionalDataRefusesThePearsonRewardAndByDefaultTrainsOnTheDistance() {
        Path out = dir.resolve("ppo.json");
        String[] common = {"--denoiser", "analytic:mixture2d", "--steps", "4", "--solver", "euler", "--method", "ppo",
            "--iterations", "2", "--ppo-batch", "8", "--seed", "1", "--out", out.toString(), "--no-guard"};
        CliRun pearson = run(concat(common, "--reward", "pearson"));
        assertThat(pearson.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(pearson.err().trim()).startsWith("art: error: --reward pearson expected feature vectors of at "
                + "least 3 values, found 2").contains("--reward distance").doesNotContain("\n");
        assertThat(out).doesNotExist();
        CliRun typo = run(concat(common, "--reward", "cosine"));
        assertThat(typo.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(typo.err()).contains("--reward expected auto, pearson or distance, found 'cosine'");
        CliRun auto = run(common);
        assertThat(auto.exitCode()).as(auto.err()).isZero();
        assertThat(auto.err()).contains("the Pearson reward is constant: using --reward distance");
        ScheduleFile f = ScheduleFile.read(out);
        assertThat(f.method()).isEqualTo("ppo");
        assertThat(f.training()).containsEntry("similarity", "distance");
    }

    @Test
    void onnxMixtureWithJvpGraphAndWithFiniteDifferencesGiveCloseGrids() {
        assumeTrue(Files.isRegularFile(MIXTURE.resolve("denoiser_jvp.onnx")), "shipped mixture2d model");
        Path a = dir.resolve("graph.json");
        Path b = dir.resolve("fd.json");
        CliRun ra = run("--denoiser", MIXTURE.resolve("denoiser.onnx").toString(), "--jvp",
                MIXTURE.resolve("denoiser_jvp.onnx").toString(), "--steps", "10", "--solver", "euler", "--method",
                "closed-form", "--rollouts", "256", "--out", a.toString());
        CliRun rb = run("--denoiser", MIXTURE.resolve("denoiser.onnx").toString(), "--steps", "10", "--solver", "euler",
                "--method", "closed-form", "--rollouts", "256", "--out", b.toString());
        assertThat(ra.exitCode()).as(ra.err()).isZero();
        assertThat(rb.exitCode()).as(rb.err()).isZero();
        ScheduleFile fa = ScheduleFile.read(a);
        ScheduleFile fb = ScheduleFile.read(b);
        assertThat(fa.training()).containsEntry("jvp", "onnx-jvp").containsKeys("model_sha256", "jvp_sha256");
        assertThat(fb.training()).containsEntry("jvp", "finite-difference").containsKey("model_sha256");
        assertThat(fa.sigmaMax()).isEqualTo(10.0);
        assertThat(fa.training()).containsEntry("q_norm", "rms");
        double[] sa = fa.sigmas();
        double[] sb = fb.sigmas();
        for (int i = 0; i < sa.length; i++) {
            assertThat(sb[i]).isCloseTo(sa[i], within(0.02 * sa[i] + 1e-9));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void everyTrainChecksTheGridOnHeldOutNoiseUnlessToldNot() throws Exception {
        Path out = dir.resolve("g.json");
        CliRun r = run("--denoiser", "analytic:mixture2d", "--steps", "6", "--solver", "heun", "--method", "closed-form",
                "--rollouts", "64", "--fine-steps", "200", "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("; held-out ref-rmse ").contains("(EDM ");
        assertThat(ScheduleFile.read(out).training()).containsKey("guard");
        Path off = dir.resolve("off.json");
        CliRun quiet = run("--denoiser", "analytic:mixture2d", "--steps", "6", "--solver", "heun", "--method",
                "closed-form", "--rollouts", "64", "--fine-steps", "200", "--no-guard", "--out", off.toString());
        assertThat(quiet.exitCode()).as(quiet.err()).isZero();
        assertThat(quiet.out()).doesNotContain("held-out");
        assertThat(ScheduleFile.read(off).training()).doesNotContainKey("guard");
    }

    @Test
    void theExactClockSpendsTheBudgetAndReportsConvergence() throws Exception {
        Path out = dir.resolve("x.json");
        CliRun r = run("--denoiser", "analytic:mixture2d", "--steps", "5", "--solver", "euler", "--clock", "exact",
                "--iterations", "12", "--batch", "4", "--rollouts", "64", "--fine-steps", "200", "--out",
                out.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("art: note: ART-RL ").contains("budget error 0.0%");
        ScheduleFile f = ScheduleFile.read(out);
        assertThat(f.training().get("hyperparameters").toString()).contains("clock=budget-exact");
        assertThat(f.training()).containsKeys("diagnostics", "guard");
        CliRun bad = run("--denoiser", "analytic:mixture2d", "--steps", "5", "--solver", "euler", "--clock", "fast",
                "--out", dir.resolve("y.json").toString());
        assertThat(bad.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(bad.err()).contains("--clock expected free or exact, found 'fast'");
        CliRun paper = run("--denoiser", "analytic:mixture2d", "--steps", "5", "--solver", "euler", "--clock", "exact",
                "--preset", "paper", "--out", dir.resolve("z.json").toString());
        assertThat(paper.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(paper.err()).contains("closed-form prior");
    }
}
