package dev.artsched.onnx;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ONNX Runtime 1.29 dies with SIGSEGV when its environment is created on a default-stack thread of a process
 * whose command line exceeds ~4 KB. {@link OrtEnvironments} initialises it on a large stack, so a host JVM with
 * a long {@code -cp} can load and run models from its main thread.
 */
class LongCommandLineTest {

    /** Child-process entry point: loads both shipped mixture graphs and evaluates them once. */
    public static void main(String[] args) {
        try (OnnxDenoiser d = OnnxDenoiser.load(Path.of(args[0]))) {
            float[] out = new float[2];
            d.denoise(new float[] {1f, 1f}, new float[] {0.5f}, 1, out);
            System.out.println("ok " + out[0]);
        }
    }

    @Test
    void modelsLoadInAProcessWithAFiveKilobyteCommandLine() throws Exception {
        StringBuilder junk = new StringBuilder();
        for (int i = 0; i < 130; i++) {
            junk.append(File.pathSeparator).append("/nonexistent/dir").append(i).append("/some/long/path.jar");
        }
        String cp = System.getProperty("java.class.path") + junk;
        assertThat(cp.length()).isGreaterThan(4500);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", cp, LongCommandLineTest.class.getName(),
                TestModels.MIXTURE.toAbsolutePath().toString())).redirectErrorStream(true).start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("ok ");
    }
}
