package dev.artsched.cli;

import dev.artsched.eval.FeatureStatsFile;
import dev.artsched.eval.GaussianStats;
import dev.artsched.eval.reward.FeatureBank;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bundled image model (a model folder with an FID feature extractor and its reference statistics) ships the
 * PPO scheduler's real-feature bank, and the bank is a sample of the reference data: the extractor's feature width,
 * and every feature's mean within six standard errors of the reference mean.
 */
class BundledFeatureBanksTest {
    private static final Path MODELS = Path.of("..", "models");

    @Test
    void everyImageModelShipsARealFeatureBankDrawnFromItsReferenceData() throws Exception {
        List<Path> dirs;
        try (Stream<Path> s = Files.list(MODELS)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve("features.onnx"))
                    && Files.isRegularFile(d.resolve("features_ref.json"))).sorted().toList();
        }
        assertThat(dirs).extracting(d -> d.getFileName().toString()).contains("mnist-edm", "fashion-edm");
        for (Path d : dirs) {
            Path npz = d.resolve("real_features.npz");
            assertThat(npz).as("%s: the real-feature bank", d.getFileName()).isRegularFile();
            FeatureBank bank = FeatureBank.read(npz);
            GaussianStats ref = FeatureStatsFile.read(d.resolve("features_ref.json"));
            assertThat(bank.features()).as("%s: feature width", d.getFileName()).isEqualTo(ref.dim());
            assertThat(bank.rows()).isEqualTo(4096);
            for (int j = 0; j < ref.dim(); j++) {
                double mean = 0;
                for (int r = 0; r < bank.rows(); r++) {
                    mean += bank.values()[r * bank.features() + j] / (double) bank.rows();
                }
                double se = Math.sqrt(ref.cov(j, j) / bank.rows());
                assertThat(Math.abs(mean - ref.mean(j))).as("%s: feature %d's mean", d.getFileName(), j)
                        .isLessThanOrEqualTo(6 * se);
            }
        }
    }
}
