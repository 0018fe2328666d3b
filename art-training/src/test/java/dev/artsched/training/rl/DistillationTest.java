package dev.artsched.training.rl;

import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class DistillationTest {

    @Test
    void constantSpeedGivesTheUniformGridWhateverItsScale() {
        Distillation d = new Distillation(4, 10, 3.0);
        d.add(new double[] {1.1, 1.1, 1.1, 1.1}, 0);
        d.add(new double[] {0.9, 0.9, 0.9, 0.9}, 0);
        Distillation.Result r = d.distil();
        assertThat(r.sigmas()).containsExactly(new double[] {3.0, 2.25, 1.5, 0.75, 0.0}, within(1e-12));
        assertThat(r.kept()).isEqualTo(2);
    }

    @Test
    void dropsTrajectoriesOutsideHalfToTwiceTheBudgetAndNormalisesTheRest() {
        Distillation d = new Distillation(2, 10, 2.0);
        d.add(new double[] {3.0, 1.0}, 0);
        d.add(new double[] {0.1, 0.1}, 0);
        d.add(new double[] {9.0, 9.0}, 0);
        Distillation.Result r = d.distil();
        assertThat(r.kept()).isEqualTo(1);
        assertThat(r.dropped()).isEqualTo(2);
        assertThat(r.sigmas()).containsExactly(new double[] {2.0, 0.5, 0.0}, within(1e-12));
    }

    @Test
    void keepsOnlyTheNewestTrajectoriesAndRoundTripsItsBuffer() {
        Distillation d = new Distillation(2, 2, 2.0);
        d.add(new double[] {5.0, 5.0}, 0);
        d.add(new double[] {1.0, 3.0}, 0);
        d.add(new double[] {1.0, 3.0}, 0);
        assertThat(d.size()).isEqualTo(2);
        Distillation copy = new Distillation(2, 2, 2.0);
        copy.restore(d.export());
        assertThat(copy.distil().sigmas()).containsExactly(d.distil().sigmas(), within(0.0));
        assertThat(d.distil().sigmas()).containsExactly(new double[] {2.0, 1.5, 0.0}, within(1e-12));
    }

    @Test
    void failsClearlyWhenNothingSurvivesTheFilter() {
        Distillation d = new Distillation(2, 4, 2.0);
        d.add(new double[] {100, 100}, 0);
        assertThatThrownBy(d::distil).isInstanceOf(ArtException.class).hasMessageContaining("[T/2, 2T]");
    }
}
