package dev.artsched.examples;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import dev.artsched.sampling.Denoiser;
import dev.artsched.sampling.HeunSampler;
import dev.artsched.sampling.SampleResult;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.Schedule;
import dev.artsched.scheduler.TimestepScheduler;
import dev.artsched.scheduler.TimestepSchedulers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/**
 * A DJL host: the bundled 2-D mixture denoiser as TorchScript on DJL's PyTorch engine (offline), sampled with
 * the library's Heun sampler on a grid chosen through the SPI ({@code -Dart.scheduler=...}).
 *
 * <p>Usage: {@code DjlHost [--steps 18] [--samples 8] [--seed 0]}
 */
public final class DjlHost {
    private DjlHost() {
    }

    /** A {@link Denoiser} over a DJL TorchScript model with inputs (x [B, d], sigma [B]). Not thread-safe. */
    public static final class DjlDenoiser implements Denoiser, AutoCloseable {
        private final ZooModel<NDList, NDList> model;
        private final Predictor<NDList, NDList> predictor;
        private final int dim;

        /** Loads a TorchScript file on the PyTorch engine. */
        public DjlDenoiser(Path torchScript, int dim) {
            System.setProperty("ai.djl.offline", "true");
            try {
                Criteria<NDList, NDList> criteria = Criteria.builder()
                        .setTypes(NDList.class, NDList.class)
                        .optModelPath(torchScript)
                        .optEngine("PyTorch")
                        .optTranslator(new NoopTranslator())
                        .build();
                this.model = criteria.loadModel();
            } catch (IOException | ModelNotFoundException | MalformedModelException e) {
                throw new ArtException("cannot load TorchScript model " + torchScript + " on DJL's PyTorch engine: "
                        + e.getMessage(), e);
            }
            this.predictor = model.newPredictor();
            this.dim = dim;
        }

        /** Loads the bundled 2-D mixture TorchScript model. */
        public static DjlDenoiser bundledMixture() {
            try (InputStream in = DjlHost.class.getResourceAsStream("/djl/mixture2d.pt")) {
                if (in == null) {
                    throw new ArtException("missing classpath resource /djl/mixture2d.pt");
                }
                Path dir = Files.createTempDirectory("art-djl");
                Path file = dir.resolve("mixture2d.pt");
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                return new DjlDenoiser(file, 2);
            } catch (IOException e) {
                throw new ArtException("cannot unpack the bundled TorchScript model: " + e.getMessage(), e);
            }
        }

        @Override
        public int sampleSize() {
            return dim;
        }

        @Override
        public void denoise(float[] x, float[] sigma, int batch, float[] out) {
            try (NDManager m = model.getNDManager().newSubManager()) {
                NDArray xa = m.create(Arrays.copyOf(x, batch * dim), new Shape(batch, dim));
                NDArray sa = m.create(Arrays.copyOf(sigma, batch), new Shape(batch));
                NDList result = predictor.predict(new NDList(xa, sa));
                float[] d = result.singletonOrThrow().toType(DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(d, 0, out, 0, batch * dim);
            } catch (TranslateException e) {
                throw new ArtException("DJL prediction failed: " + e.getMessage(), e);
            }
        }

        /** The DJL engine running the model. */
        public String engine() {
            return model.getNDManager().getEngine().getEngineName() + " "
                    + model.getNDManager().getEngine().getVersion();
        }

        @Override
        public void close() {
            predictor.close();
            model.close();
        }
    }

    /** Runs the example and prints the grid and a summary of the samples. */
    public static void main(String[] args) {
        int steps = Integer.parseInt(ExampleSupport.arg(args, "steps", "18"));
        int batch = Integer.parseInt(ExampleSupport.arg(args, "samples", "8"));
        long seed = Long.parseLong(ExampleSupport.arg(args, "seed", "0"));
        TimestepScheduler scheduler = TimestepSchedulers.fromSystemProperty();
        try (DjlDenoiser denoiser = DjlDenoiser.bundledMixture()) {
            Schedule grid = scheduler.schedule(steps);
            float[] x0 = ExampleSupport.noise(batch * 2, grid.sigmaMax(), seed);
            SampleResult r = new HeunSampler().sample(denoiser, grid, x0, batch);
            System.out.println("engine: " + denoiser.engine());
            System.out.println("scheduler: " + scheduler.name());
            System.out.println("grid (" + grid.steps() + " steps, NFE " + r.nfe() + "): " + Arrays.toString(grid.sigmas()));
            System.out.println("samples: " + ExampleSupport.summary(r.samples()));
        }
    }
}
