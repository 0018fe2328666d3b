package dev.artsched.scheduler;

import dev.artsched.sampling.Sampler;
import dev.artsched.sampling.Samplers;
import dev.artsched.sampling.analytic.GaussianDenoiser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The library answers every invalid argument with {@link ArtException} (or {@link IllegalArgumentException}):
 * step counts out of [1, MAX_STEPS] for every built-in scheduler, hostile option values in every built-in spec,
 * and bad batches for the samplers. Any other exception (NegativeArraySize, ArrayIndexOutOfBounds, ...) fails.
 */
class ApiArgumentsTest {
    private static final int[] BAD_STEPS = {Integer.MIN_VALUE, -1, 0, Schedule.MAX_STEPS + 1, Integer.MAX_VALUE};
    private static final String[] VALUES = {"1e308", "-1e308", "NaN", "1e-320", "0", "-0", "2147483647", "1e30",
        "0.5", "3", "abc", ""};

    private static boolean acceptable(Throwable t) {
        return t instanceof ArtException || t instanceof IllegalArgumentException;
    }

    @Test
    void everyBuiltInSchedulerRejectsStepCountsOutOfRange() {
        for (String name : TimestepSchedulers.names()) {
            if (name.equals("art")) {
                continue; // needs a file; covered by the CLI tests
            }
            TimestepScheduler s = TimestepSchedulers.create(name);
            for (int n : BAD_STEPS) {
                assertThatThrownBy(() -> s.schedule(n)).as("%s.schedule(%d)", name, n)
                        .isInstanceOf(ArtException.class);
            }
        }
    }

    @Test
    void hostileOptionValuesGiveAValidGridOrOneArtException() {
        List<String> escapes = new ArrayList<>();
        for (String name : TimestepSchedulers.names()) {
            if (name.equals("art")) {
                continue;
            }
            for (String key : List.of("sigma_min", "sigma_max", "rho", "timesteps", "alpha", "beta", "beta_d",
                    "beta_min", "eps_s")) {
                for (String v : VALUES) {
                    String spec = name + ":" + key + "=" + v;
                    for (int n : new int[] {1, 2, 10}) {
                        try {
                            Schedule.validate(TimestepSchedulers.schedule(spec, n).sigmas());
                        } catch (RuntimeException e) {
                            if (!acceptable(e)) {
                                escapes.add(spec + " N=" + n + ": " + e);
                            }
                        }
                    }
                }
            }
        }
        assertThat(escapes).isEmpty();
    }

    @Test
    void samplersRejectBadBatches() {
        GaussianDenoiser d = GaussianDenoiser.paper1d();
        Schedule grid = TimestepSchedulers.schedule("edm:sigma_max=3", 4);
        for (Solver solver : Solver.values()) {
            Sampler s = Samplers.of(solver);
            for (int batch : new int[] {0, -1, 3, Integer.MAX_VALUE}) {
                Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> s.sample(d, grid, new float[2],
                        batch));
                assertThat(t).as("%s batch %d", solver, batch).isNotNull();
                assertThat(acceptable(t)).as("%s batch %d: %s", solver, batch, t).isTrue();
            }
        }
    }
}
