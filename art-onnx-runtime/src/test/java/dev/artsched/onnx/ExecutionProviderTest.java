package dev.artsched.onnx;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecutionProviderTest {

    @Test
    void parsesAndPrintsEveryForm() {
        assertThat(ExecutionProvider.parse("cpu")).isEqualTo(ExecutionProvider.CPU);
        assertThat(ExecutionProvider.parse("CUDA")).isEqualTo(ExecutionProvider.cuda(0));
        assertThat(ExecutionProvider.parse("cuda:2")).isEqualTo(ExecutionProvider.cuda(2));
        assertThat(ExecutionProvider.parse("auto").kind()).isEqualTo(ExecutionProvider.Kind.AUTO);
        for (String s : new String[] {"cpu", "cuda:0", "cuda:3", "auto", "auto:1"}) {
            assertThat(ExecutionProvider.parse(s).toString()).isEqualTo(s);
        }
    }

    @Test
    void rejectsBadSpecs() {
        assertThatThrownBy(() -> ExecutionProvider.parse("tpu"))
                .isInstanceOf(ArtException.class)
                .hasMessage("execution provider: expected cpu | cuda[:device] | auto, found 'tpu'");
        assertThatThrownBy(() -> ExecutionProvider.parse("cuda:x"))
                .isInstanceOf(ArtException.class).hasMessageContaining("expected a device number after ':', found 'x'");
        assertThatThrownBy(() -> ExecutionProvider.parse("cuda:-1"))
                .isInstanceOf(ArtException.class).hasMessage("CUDA device must be >= 0, found -1");
    }

    @Test
    void cudaOnTheCpuJarFallsBackToCpuAndLogsTheOrtError() {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OnnxOptions cuda = OnnxOptions.builder().optExecutionProvider("cuda:0").build();
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (OnnxDenoiser d = OnnxDenoiser.load(TestModels.GAUSS, cuda)) {
                assertThat(d.executionProvider()).isEqualTo(ExecutionProvider.CPU);
                assertThat(d.fallbackReason()).hasValueSatisfying(r -> assertThat(r).startsWith("ORT error "));
                float[] out = new float[1];
                d.denoise(new float[] {2f}, new float[] {1f}, 1, out);
                assertThat(out[0]).isEqualTo(1f);
            }
        } finally {
            System.setErr(saved);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("WARN").contains("CUDA execution provider (device 0) did not start")
                .contains("ORT error ").contains("continuing on CPU");
    }

    @Test
    void autoAlsoEndsOnCpuHere() {
        OnnxOptions auto = OnnxOptions.builder().optExecutionProvider("auto").optIntraOpThreads(2).build();
        try (OnnxJvpDenoiser d = OnnxJvpDenoiser.load(TestModels.GAUSS, TestModels.GAUSS_JVP, auto)) {
            assertThat(d.executionProvider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(d.denoiser().executionProvider()).isEqualTo(ExecutionProvider.CPU);
        }
    }
}
