package dev.artsched.cli;

import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.Solver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Output to a full disk and to a read-only file system (a real 64 KB tmpfs, mounted for the test; skipped where
 * mounting is not permitted): one clear error naming the file and the cause, and the earlier output intact.
 */
class FullDiskTest {
    @TempDir
    Path dir;
    private Path mnt;
    private boolean mounted;

    private static int sh(String... cmd) throws IOException, InterruptedException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).start().waitFor();
    }

    @BeforeEach
    void mount() throws Exception {
        mnt = Files.createDirectory(dir.resolve("fs"));
        mounted = sh("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString()) == 0;
        assumeThat(mounted).as("permission to mount a tmpfs").isTrue();
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            sh("umount", mnt.toString());
        }
    }

    private Path earlier() {
        Path grid = mnt.resolve("grid.json");
        ScheduleFile.of(Schedule.of("earlier", 3, 1, 0), Solver.EULER, "test", Map.of()).write(grid);
        return grid;
    }

    @Test
    void fullDiskGivesOneClearErrorAndKeepsTheEarlierFile() throws Exception {
        Path grid = earlier();
        String before = Files.readString(grid);
        Path filler = mnt.resolve("filler");
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
        for (String[] args : new String[][] {
            {"train", "--denoiser", "analytic:gauss1d", "--steps", "40", "--solver", "euler", "--method", "closed-form",
                "--rollouts", "8", "--fine-steps", "50", "--quiet", "--out", grid.toString()},
            {"schedule", "--scheduler", "edm", "--steps", "500", "--out", grid.toString()},
            {"import", "--name", "x", "--sigmas", "3,2,1", "--out", grid.toString()},
        }) {
            Cli r = Cli.run(args);
            assertThat(r.code()).as("%s: %s", args[0], r.err()).isEqualTo(1);
            assertThat(r.err().strip()).as(args[0]).startsWith("art: error: ").doesNotContain("\n")
                    .contains("grid.json").containsIgnoringCase("no space left");
            assertThat(Files.readString(grid)).as("earlier file after %s", args[0]).isEqualTo(before);
        }
        try (var files = Files.list(mnt)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("grid.json", "filler");
        }
    }

    @Test
    void readOnlyFileSystemGivesOneClearErrorAndKeepsTheEarlierFile() throws Exception {
        Path grid = earlier();
        String before = Files.readString(grid);
        assumeThat(sh("mount", "-o", "remount,ro", mnt.toString())).isZero();
        Cli r = Cli.run("import", "--name", "x", "--sigmas", "3,2,1", "--out", grid.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("art: error: cannot write schedule file").contains("grid.json")
                .containsIgnoringCase("read-only").doesNotContain("\n");
        assertThat(Files.readString(grid)).isEqualTo(before);
    }
}
