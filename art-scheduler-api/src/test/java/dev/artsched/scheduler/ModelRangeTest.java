package dev.artsched.scheduler;

import dev.artsched.sampling.Denoiser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelRangeTest {

    /** The spec-text rewrite the CLI used before the range travelled through the SPI (kept here as the oracle). */
    private static String rewrite(String spec, OptionalDouble min, OptionalDouble max) {
        TimestepSchedulers.Spec parsed = TimestepSchedulers.Spec.parse(spec);
        Map<String, String> opts = new LinkedHashMap<>(parsed.options());
        if (!opts.containsKey("sigma_max") && max.isPresent()) {
            opts.put("sigma_max", Double.toString(max.getAsDouble()));
        }
        // deliberate difference: the paper's Uniform keeps sigma_min = 0 unless the spec names one
        if (!opts.containsKey("sigma_min") && min.isPresent() && !parsed.name().equals("uniform")) {
            opts.put("sigma_min", Double.toString(min.getAsDouble()));
        }
        if (opts.isEmpty()) {
            return parsed.name();
        }
        List<String> parts = new ArrayList<>();
        opts.forEach((k, v) -> parts.add(k + "=" + v));
        return parsed.name() + ":" + String.join(",", parts);
    }

    @ParameterizedTest
    @ValueSource(strings = {"edm", "edm:rho=5", "uniform", "exponential", "edm:sigma_max=20", "uniform:sigma_min=0",
        "exponential:sigma_min=0.01", "edm:rho=3,sigma_min=0.1,sigma_max=9"})
    void equalsTheOldSpecRewriteBitForBit(String spec) {
        SigmaRange[] ranges = {SigmaRange.of(0.002, 80), SigmaRange.of(0.0291675, 14.614642),
            new SigmaRange(OptionalDouble.empty(), OptionalDouble.of(3.0)),
            new SigmaRange(OptionalDouble.of(0.03), OptionalDouble.empty()), SigmaRange.UNKNOWN};
        for (SigmaRange r : ranges) {
            TimestepScheduler resolved = TimestepSchedulers.create(spec).withModelRange(r);
            TimestepScheduler old = TimestepSchedulers.create(rewrite(spec, r.sigmaMin(), r.sigmaMax()));
            assertThat(resolved.name()).as("%s with %s", spec, r).isEqualTo(old.name());
            for (int n : new int[] {1, 2, 7, 18}) {
                assertThat(resolved.schedule(n).sigmas()).as("%s N=%d", spec, n).isEqualTo(old.schedule(n).sigmas());
                assertThat(TimestepSchedulers.create(spec).schedule(n, r).sigmas()).isEqualTo(old.schedule(n).sigmas());
            }
        }
    }

    @Test
    void edmExampleFromAModelWithArtMetadata() {
        TimestepScheduler s = TimestepSchedulers.create("edm").withModelRange(SigmaRange.of(0.002, 80));
        assertThat(s.name()).isEqualTo(TimestepSchedulers.create("edm:sigma_max=80.0,sigma_min=0.002").name())
                .isEqualTo("edm:rho=7.0,sigma_min=0.002,sigma_max=80.0");
        TimestepScheduler u = TimestepSchedulers.create("uniform").withModelRange(SigmaRange.of(0.002, 80));
        assertThat(u.name()).isEqualTo("uniform:sigma_min=0.0,sigma_max=80.0");
        assertThat(u.schedule(4).sigmas()).containsExactly(80, 60, 40, 20, 0);
        TimestepScheduler v = TimestepSchedulers.create("uniform:sigma_min=0.002").withModelRange(SigmaRange.of(0.03, 80));
        assertThat(v.schedule(4).sigma(3)).isEqualTo(0.002);
    }

    @Test
    void explicitOptionsWinOverTheModel() {
        SigmaRange model = SigmaRange.of(0.03, 14.6);
        TimestepScheduler e = TimestepSchedulers.create("edm:sigma_max=10").withModelRange(model);
        assertThat(e.name()).isEqualTo("edm:rho=7.0,sigma_min=0.03,sigma_max=10.0");
        TimestepScheduler u = TimestepSchedulers.create("uniform:sigma_min=0,sigma_max=3").withModelRange(model);
        assertThat(u.name()).isEqualTo("uniform:sigma_min=0.0,sigma_max=3.0");
        TimestepScheduler x = TimestepSchedulers.create("exponential:sigma_min=0.5").withModelRange(model);
        assertThat(x.schedule(3).sigmas()).containsExactly(14.6, Math.exp((Math.log(14.6) + Math.log(0.5)) / 2), 0.5, 0);
        TimestepScheduler direct = new EdmScheduler(0.1, 5, 7);
        assertThat(direct.withModelRange(model)).isSameAs(direct);
    }

    @Test
    void aModelRangeCanBeReResolvedAndUnknownChangesNothing() {
        TimestepScheduler base = TimestepSchedulers.create("edm");
        assertThat(base.withModelRange(SigmaRange.UNKNOWN)).isSameAs(base);
        TimestepScheduler a = base.withModelRange(SigmaRange.of(0.01, 10));
        assertThat(a.withModelRange(SigmaRange.of(0.002, 80)).name()).isEqualTo(base.name());
    }

    @Test
    void learnedGridsKeepTheirOwnRange() {
        ScheduleFile f = ScheduleFile.importList("g", "[3, 1, 0.5, 0]", "test");
        ArtScheduler art = ArtScheduler.of(f);
        assertThat(art.withModelRange(SigmaRange.of(0.002, 80))).isSameAs(art);
    }

    @Test
    void pluginSchedulersReceiveTheRange() {
        AtomicReference<SigmaRange> seen = new AtomicReference<>();
        TimestepScheduler plugin = new TimestepScheduler() {
            @Override
            public String name() {
                return "plugin";
            }

            @Override
            public Schedule schedule(int steps) {
                return Schedule.of("plugin", 2, 0);
            }

            @Override
            public TimestepScheduler withModelRange(SigmaRange range) {
                seen.set(range);
                double max = range.sigmaMax().orElse(2);
                return new UniformScheduler(0, max);
            }
        };
        assertThat(plugin.schedule(2, SigmaRange.of(0.5, 4)).sigmas()).containsExactly(4, 2, 0);
        assertThat(seen.get()).isEqualTo(SigmaRange.of(0.5, 4));
    }

    @Test
    void contract() {
        Denoiser d = new Denoiser() {
            @Override
            public int sampleSize() {
                return 1;
            }

            @Override
            public void denoise(float[] x, float[] sigma, int batch, float[] out) {
            }

            @Override
            public OptionalDouble sigmaMin() {
                return OptionalDouble.of(0.002);
            }

            @Override
            public OptionalDouble sigmaMax() {
                return OptionalDouble.of(80);
            }
        };
        assertThat(d.sigmaRange()).isEqualTo(SigmaRange.of(0.002, 80));
        assertThat(SigmaRange.UNKNOWN.isUnknown()).isTrue();
        assertThat(new SigmaRange(null, null)).isEqualTo(SigmaRange.UNKNOWN);
        assertThat(SigmaRange.of(0, 1).sigmaMin()).hasValue(0.0);
        assertThatThrownBy(() -> SigmaRange.of(-1, 1)).isInstanceOf(ArtException.class)
                .hasMessageContaining(">= 0").hasMessageContaining("-1");
        assertThatThrownBy(() -> SigmaRange.of(0.1, Double.POSITIVE_INFINITY)).isInstanceOf(ArtException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> SigmaRange.of(2, 1)).isInstanceOf(ArtException.class)
                .hasMessageContaining("below sigma_max = 1.0, found 2.0");
        assertThatThrownBy(() -> new SigmaRange(OptionalDouble.empty(), OptionalDouble.of(0)))
                .isInstanceOf(ArtException.class).hasMessageContaining("> 0");
        assertThatThrownBy(() -> new SigmaRange(OptionalDouble.of(Double.NaN), OptionalDouble.empty()))
                .isInstanceOf(ArtException.class);
    }
}
