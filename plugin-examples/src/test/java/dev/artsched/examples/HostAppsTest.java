package dev.artsched.examples;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.inject.Guice;
import dev.artsched.onnx.OnnxDenoiser;
import dev.artsched.onnx.OnnxOptions;
import dev.artsched.sampling.HeunSampler;
import dev.artsched.sampling.analytic.GaussianMixtureDenoiser;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.TimestepSchedulers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HostAppsTest {
    private final String saved = System.getProperty(TimestepSchedulers.DEFAULT_PROPERTY);

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(TimestepSchedulers.DEFAULT_PROPERTY);
        } else {
            System.setProperty(TimestepSchedulers.DEFAULT_PROPERTY, saved);
        }
    }

    private static String run(ThrowingRunnable main) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void theAdaptiveHostMatchesTheLibrarysAdaptiveSamplerAndStaysWithinItsBudget() throws Exception {
        String spec = "constant:step=0.3,sigma_max=10";
        System.setProperty(AdaptiveHostApp.PROPERTY, spec);
        try {
            String out = run(() -> AdaptiveHostApp.main(new String[] {"--nfe", "3", "--samples", "4"}));
            // t: 1, 0.7, 0.4, then the budget forces the step to 0
            assertThat(out).contains("adaptive scheduler: constant:step=0.3").contains("NFE per sample: [3, 3, 3, 3]");
        } finally {
            System.clearProperty(AdaptiveHostApp.PROPERTY);
        }
        dev.artsched.scheduler.adaptive.AdaptiveScheduler s = dev.artsched.scheduler.adaptive.AdaptiveSchedulers
                .create(spec, dev.artsched.scheduler.Solver.EULER, 5);
        float[] x0 = ExampleSupport.noise(8, 10, 3);
        float[] host = x0.clone();
        try (OrtSession session = OrtEnvironment.getEnvironment().createSession(ExampleSupport.modelBytes("mixture2d"),
                new OrtSession.SessionOptions())) {
            int[] nfe = AdaptiveHostApp.euler(session, s, host, 4, 2);
            try (OnnxDenoiser d = OnnxDenoiser.load(ExampleSupport.modelBytes("mixture2d"), "m", OnnxOptions.defaults())) {
                dev.artsched.sampling.AdaptiveResult lib = dev.artsched.sampling.AdaptiveSampler.sample(d, s, x0, 4);
                assertThat(host).containsExactly(lib.samples());
                assertThat(nfe).containsExactly(lib.nfe());
            }
        }
    }

    @Test
    void hostPicksTheThirdPartyPluginByNameWithoutCodeChanges() throws Exception {
        System.setProperty(TimestepSchedulers.DEFAULT_PROPERTY, "polyexp-plugin:rho=2,sigma_max=10");
        String out = run(() -> HostHeunApp.main(new String[] {"--steps", "6", "--samples", "4"}));
        assertThat(out).contains("scheduler: polyexp-plugin:rho=2.0").contains("grid (6 steps): [10.0,");
        System.setProperty(TimestepSchedulers.DEFAULT_PROPERTY, "edm:sigma_max=10");
        assertThat(run(() -> HostHeunApp.main(new String[] {"--steps", "6"}))).contains("scheduler: edm:rho=7.0");
    }

    @Test
    void hostLoopAndLibrarySamplerAreBitIdenticalOnTheSameGrid() throws Exception {
        for (String spec : new String[] {"edm:sigma_max=10", "uniform:sigma_max=10,sigma_min=0.002",
            "polyexp-plugin:sigma_max=10"}) {
            Schedule grid = TimestepSchedulers.schedule(spec, 9);
            int batch = 16;
            float[] x0 = ExampleSupport.noise(batch * 2, grid.sigmaMax(), 42);
            float[] host;
            try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
                opts.setIntraOpNumThreads(1);
                try (OrtSession session = dev.artsched.onnx.OrtEnvironments.shared().createSession(
                        ExampleSupport.modelBytes("mixture2d"), opts)) {
                    host = HostHeunApp.heun(session, grid, x0, batch);
                }
            }
            float[] library;
            try (OnnxDenoiser d = OnnxDenoiser.load(ExampleSupport.modelBytes("mixture2d"), "mixture2d",
                    OnnxOptions.defaults())) {
                library = new HeunSampler().sample(d, grid, x0, batch).samples();
            }
            assertThat(library).as(spec).containsExactly(host);
        }
    }

    @Test
    void djlHostRunsTheTorchScriptModelOnThePyTorchEngine() throws Exception {
        System.setProperty(TimestepSchedulers.DEFAULT_PROPERTY, "edm:sigma_max=10");
        String out = run(() -> DjlHost.main(new String[] {"--steps", "5"}));
        assertThat(out).contains("engine: PyTorch").contains("NFE 9");
        GaussianMixtureDenoiser exact = GaussianMixtureDenoiser.twoDimensionalBenchmark();
        try (DjlHost.DjlDenoiser djl = DjlHost.DjlDenoiser.bundledMixture()) {
            float[] x = ExampleSupport.noise(2 * 32, 3, 9);
            float[] sigma = new float[32];
            for (int b = 0; b < 32; b++) {
                sigma[b] = 0.01f + 0.3f * b;
            }
            float[] got = new float[x.length];
            float[] want = new float[x.length];
            djl.denoise(x, sigma, 32, got);
            exact.denoise(x, sigma, 32, want);
            for (int i = 0; i < x.length; i++) {
                assertThat((double) got[i]).isCloseTo(want[i], within(1e-5 * Math.max(1, Math.abs(want[i]))));
            }
        }
    }

    @Test
    void guiceModuleBindsTheSchedulerByName() throws Exception {
        TimestepScheduler s = Guice.createInjector(new SchedulerModule("edm:rho=3,sigma_max=10"))
                .getInstance(GuiceHost.SamplingService.class).scheduler();
        assertThat(s.schedule(4).sigma(0)).isEqualTo(10.0);
        assertThat(s.name()).startsWith("edm:rho=3.0");
        System.setProperty(TimestepSchedulers.DEFAULT_PROPERTY, "polyexp-plugin:sigma_max=10");
        String out = run(() -> GuiceHost.main(new String[] {"--steps", "4", "--samples", "3"}));
        assertThat(out).contains("scheduler: polyexp-plugin").contains("NFE 7");
    }
}
