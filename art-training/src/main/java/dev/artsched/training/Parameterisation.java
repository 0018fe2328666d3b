package dev.artsched.training;

import dev.artsched.scheduler.ArtException;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A raw network's parameterisation, for models that are not EDM denoiser graphs: {@code eps} or {@code v}
 * prediction over a discrete VP table (from an alphas_cumprod file or a beta schedule), or {@code flow} velocity
 * (rectified flow, t = sigma / (1 + sigma)), with the timestep scale of flow models that take t * 1000 and the
 * tensor names.
 *
 * @param prediction    edm, eps, v or flow
 * @param alphasCumprod alphas_cumprod file (.npy or text), or null
 * @param betas         a beta schedule spec ({@code scaled-linear:beta_start=0.00085,beta_end=0.012,steps=1000}),
 *                      or null
 * @param timestepScale the flow model's timestep scale (1: t in [0, 1]; 1000: t * 1000)
 * @param inputNames    the sample and timestep input names, or null for the recognised export names
 * @param outputName    the output name, or null for the recognised export names
 */
public record Parameterisation(String prediction, Path alphasCumprod, String betas, double timestepScale,
                               List<String> inputNames, String outputName) {
    /** The accepted predictions. */
    public static final List<String> PREDICTIONS = List.of("edm", "eps", "v", "flow");

    /** Validates. */
    public Parameterisation {
        prediction = prediction == null ? "edm" : prediction.trim().toLowerCase(Locale.ROOT);
        if (!PREDICTIONS.contains(prediction)) {
            throw new ArtException("the prediction must be one of " + PREDICTIONS + ", found '"
                    + ArtException.quote(prediction) + "'");
        }
        if (!(timestepScale > 0) || !Double.isFinite(timestepScale)) {
            throw new ArtException("the timestep scale must be finite and > 0, found " + timestepScale);
        }
        if (alphasCumprod != null && betas != null) {
            throw new ArtException("the VP table comes from an alphas_cumprod file or a beta schedule; expected one, "
                    + "found both");
        }
        if ((alphasCumprod != null || betas != null) && !(prediction.equals("eps") || prediction.equals("v"))) {
            throw new ArtException("a VP table is for eps or v prediction; expected no table for " + prediction
                    + ", found one");
        }
        if ((prediction.equals("eps") || prediction.equals("v")) && alphasCumprod == null && betas == null) {
            throw new ArtException(prediction + " prediction needs the model's discrete VP table (an alphas_cumprod "
                    + "file or a beta schedule); found neither");
        }
        if (inputNames != null && inputNames.size() != 2) {
            throw new ArtException("input names are the sample's and the timestep's (two names), found "
                    + inputNames);
        }
        inputNames = inputNames == null ? null : List.copyOf(inputNames);
    }

    /** Whether this is an EDM denoiser graph (x, sigma -> denoised). */
    public boolean edm() {
        return prediction.equals("edm");
    }
}
