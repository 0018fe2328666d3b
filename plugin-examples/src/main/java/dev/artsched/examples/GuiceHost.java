package dev.artsched.examples;

import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.Injector;
import dev.artsched.onnx.OnnxDenoiser;
import dev.artsched.onnx.OnnxOptions;
import dev.artsched.sampling.HeunSampler;
import dev.artsched.sampling.SampleResult;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.TimestepScheduler;

/**
 * A dependency-injected host: its sampling service receives the {@link TimestepScheduler} from
 * {@link SchedulerModule}, and runs the bundled 2-D mixture ONNX model with the library's Heun sampler.
 *
 * <p>Usage: {@code GuiceHost [--steps 18] [--samples 8] [--seed 0]} with {@code -Dart.scheduler=SPEC}
 */
public final class GuiceHost {

    /** The host's service: only the injected scheduler decides the grid. */
    public static final class SamplingService {
        private final TimestepScheduler scheduler;

        /** Receives the configured scheduler. */
        @Inject
        public SamplingService(TimestepScheduler scheduler) {
            this.scheduler = scheduler;
        }

        /** The injected scheduler. */
        public TimestepScheduler scheduler() {
            return scheduler;
        }

        /** Samples {@code batch} points with {@code steps} Heun steps. */
        public SampleResult sample(OnnxDenoiser model, int steps, int batch, long seed) {
            Schedule grid = scheduler.schedule(steps);
            float[] x0 = ExampleSupport.noise(batch * model.sampleSize(), grid.sigmaMax(), seed);
            return new HeunSampler().sample(model, grid, x0, batch);
        }
    }

    private GuiceHost() {
    }

    /** Runs the example. */
    public static void main(String[] args) {
        int steps = Integer.parseInt(ExampleSupport.arg(args, "steps", "18"));
        int batch = Integer.parseInt(ExampleSupport.arg(args, "samples", "8"));
        long seed = Long.parseLong(ExampleSupport.arg(args, "seed", "0"));
        Injector injector = Guice.createInjector(SchedulerModule.fromSystemProperty());
        SamplingService service = injector.getInstance(SamplingService.class);
        try (OnnxDenoiser model = OnnxDenoiser.load(ExampleSupport.modelBytes("mixture2d"), "mixture2d",
                OnnxOptions.defaults())) {
            SampleResult r = service.sample(model, steps, batch, seed);
            System.out.println("scheduler: " + service.scheduler().name());
            System.out.println("NFE " + r.nfe() + ", samples: " + ExampleSupport.summary(r.samples()));
        }
    }
}
