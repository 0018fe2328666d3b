package dev.artsched.cli;

import dev.artsched.scheduler.ArtException;
import dev.artsched.training.DenoiserOptions;
import dev.artsched.training.Parameterisation;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/**
 * The model-input options shared by {@code train}, {@code eval}, {@code sample} and {@code compare}: conditioning
 * ({@code --cond}, {@code --uncond}, {@code --guidance}) and the raw network's parameterisation
 * ({@code --prediction} with its VP table, timestep scale and tensor names). Mapped to {@link DenoiserOptions}.
 */
final class ConditioningOptions {
    @Option(names = "--cond", paramLabel = "FILE",
            description = "Conditioning set for a conditional model: .npz (one array per model input, each "
                    + "[M, ...]), .npy, or JSON like {\"class_labels\": [0, 1, 2]}. Sample b of a batch uses row "
                    + "perm(seed)[b mod M].")
    Path cond;

    @Option(names = "--uncond", paramLabel = "FILE",
            description = "The unconditional row for classifier-free guidance (the --cond arrays with M = 1).")
    Path uncond;

    @Option(names = "--guidance", paramLabel = "W", defaultValue = "1",
            description = "Classifier-free guidance weight w (default ${DEFAULT-VALUE} = off; w != 1 needs "
                    + "--uncond): D_u + w (D_c - D_u), one model call of batch 2B per evaluation.")
    double guidance;

    @Option(names = "--prediction", paramLabel = "P", defaultValue = "edm",
            description = "What the ONNX graph computes: edm (a denoiser x, sigma -> denoised; default), or a raw "
                    + "network: eps or v (needs --alphas-cumprod or --betas), flow (velocity, t = sigma / (1 + "
                    + "sigma)).")
    String prediction;

    @Option(names = "--alphas-cumprod", paramLabel = "FILE",
            description = "eps/v: the model's alphas_cumprod table (.npy, or text with one value per line).")
    Path alphasCumprod;

    @Option(names = "--betas", paramLabel = "SPEC",
            description = "eps/v: the model's beta schedule, e.g. scaled-linear:beta_start=0.00085,beta_end=0.012,"
                    + "steps=1000 (also linear).")
    String betas;

    @Option(names = "--timestep-scale", paramLabel = "S",
            description = "flow: the timestep the graph takes is t * S (1000 for models trained on t * 1000; "
                    + "default 1).")
    Double timestepScale;

    @Option(names = "--input-names", split = ",", paramLabel = "NAME",
            description = "Raw network: the sample and timestep input names (default: the diffusers/optimum export "
                    + "names sample,timestep, else x,sigma).")
    List<String> inputNames;

    @Option(names = "--output-name", paramLabel = "NAME",
            description = "Raw network: the output name (default out_sample, else the graph's only output).")
    String outputName;

    /** The options as the training and evaluation services take them; {@code seed} orders the conditioning rows. */
    DenoiserOptions toOptions(long seed) {
        if (!Double.isFinite(guidance)) {
            throw new ArtException("--guidance must be finite, found " + guidance);
        }
        if (guidance != 1.0 && uncond == null) {
            throw new ArtException("--guidance " + guidance + " needs --uncond FILE (the unconditional row); found "
                    + "none (--guidance 1 turns guidance off)");
        }
        if (guidance != 1.0 && cond == null) {
            throw new ArtException("--guidance " + guidance + " needs --cond FILE and --uncond FILE; found no --cond");
        }
        if (uncond != null && cond == null) {
            throw new ArtException("--uncond needs --cond FILE (the conditioning set); found no --cond");
        }
        Parameterisation p = null;
        boolean raw = prediction != null && !prediction.trim().equalsIgnoreCase("edm");
        if (raw || alphasCumprod != null || betas != null || timestepScale != null || inputNames != null
                || outputName != null) {
            if (!raw) {
                throw new ArtException("--alphas-cumprod, --betas, --timestep-scale, --input-names and --output-name "
                        + "are for raw networks: expected --prediction eps, v or flow, found --prediction "
                        + prediction);
            }
            p = CliSupport.forOption("--prediction", () -> new Parameterisation(prediction, alphasCumprod, betas,
                    timestepScale == null ? 1.0 : timestepScale, inputNames, outputName));
        }
        return new DenoiserOptions(cond, uncond, guidance, seed, p);
    }

    /** Adds the files these options read to {@code files}. */
    Outputs inputs(Outputs files) {
        return files.input("--cond", cond).input("--uncond", uncond).input("--alphas-cumprod", alphasCumprod);
    }
}
