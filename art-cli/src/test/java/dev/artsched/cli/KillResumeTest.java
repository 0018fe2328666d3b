package dev.artsched.cli;

import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.training.run.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fault injection: {@code art train} (ART-RL) in a separate JVM is killed with SIGKILL at random moments and
 * restarted with {@code --resume} until it finishes; the result must be a valid schedule file that records the
 * full iteration count, with no temporary or partial files left behind. The number of kills is
 * {@code -Dart.kill.cycles} (default 3; the fuzz profile's soak runs use more).
 */
class KillResumeTest {
    @TempDir
    Path dir;

    private Process start(Path out) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xss16m", "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), "dev.artsched.cli.ArtCli", "train",
                "--denoiser", "analytic:gauss1d", "--steps", "10", "--solver", "euler", "--method", "art-rl",
                "--iterations", "1500", "--batch", "2", "--distill", "64", "--checkpoint-every", "25",
                "--seed", "5", "--out", out.toString(), "--resume", "--quiet"));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log-" + System.nanoTime() + ".txt").toFile()).start();
    }

    @Test
    void killedAtRandomPointsAndResumedEndsWithAValidSchedule() throws Exception {
        int kills = Integer.getInteger("art.kill.cycles", 3);
        SplittableRandom rng = new SplittableRandom(Long.getLong("art.kill.seed", 17));
        Path out = dir.resolve("grid.json");
        int killed = 0;
        int attempts = 0;
        while (true) {
            attempts++;
            assertThat(attempts).as("attempts (logs in %s)", dir).isLessThan(kills + 20);
            Process p = start(out);
            if (killed < kills) {
                long waitMs = 1200 + rng.nextInt(2500);
                if (!p.waitFor(waitMs, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor();
                    killed++;
                    if (Files.exists(out)) {
                        // The kill landed after the final atomic write, while the JVM was exiting: the output may
                        // exist only once training has finished, which the checkpoint beside it proves.
                        assertThat(Checkpoint.read(dir.resolve("grid.ckpt")).iteration())
                                .as("no output before the run completes").isEqualTo(1500);
                        break;
                    }
                    continue;
                }
            } else {
                assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
            }
            assertThat(p.exitValue()).as("exit code (logs in %s)", dir).isZero();
            break;
        }
        ScheduleFile f = ScheduleFile.read(out);
        Schedule.validate(f.sigmas());
        assertThat(f.steps()).isEqualTo(10);
        assertThat(f.method()).isEqualTo("art-rl");
        assertThat(((Number) f.training().get("iterations")).intValue()).isEqualTo(1500);
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(x -> x.getFileName().toString()).filter(n -> !n.startsWith("log-")).toList();
            assertThat(names).as("no temporary files left").noneMatch(n -> n.endsWith(".tmp"));
            assertThat(names).contains("grid.json");
        }
        System.out.printf("kill/resume: %d SIGKILLs over %d attempts, final grid %s%n", killed, attempts,
                java.util.Arrays.toString(f.sigmas()));
        assertThat(killed).as("SIGKILLs delivered while training ran").isPositive();
        assertThat(new File(System.getProperty("java.class.path").split(File.pathSeparator)[0])).exists();
    }
}
