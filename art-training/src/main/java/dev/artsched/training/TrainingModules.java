package dev.artsched.training;

import dev.artsched.training.problem.FeatureMaps;
import dev.artsched.training.rl.ArtRlTrainer;
import dev.artsched.training.problem.ArtProblem;
import dev.artsched.training.problem.FeatureMap;
import dev.artsched.training.problem.FlowModel;
import dev.artsched.training.problem.InitialState;
import dev.artsched.training.problem.JvpFlowModel;
import dev.artsched.training.problem.QNorm;
import dev.artsched.training.problem.ScalarFeatureMap;
import dev.artsched.training.problem.SummaryFeatureMap;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.artsched.onnx.FiniteDifferenceJvp;
import dev.artsched.onnx.JvpCheck;
import dev.artsched.sampling.Denoiser;
import dev.artsched.scheduler.ArtException;
import dev.artsched.training.problem.AnalyticModels;
import dev.artsched.training.nn.NetworkFactory;
import dev.artsched.training.nn.OptimiserFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Guice modules that assemble an {@link ArtRlTrainer}, one per replaceable part: the denoiser source (ONNX file
 * or analytic model), the JVP strategy (exact/ONNX JVP graph or finite differences), the problem settings
 * (T, sigma_min), the feature map, the networks and the optimiser. The CLI picks each from its options; any one
 * can be swapped (e.g. with {@code Modules.override}) without touching the others.
 */
public final class TrainingModules {
    private TrainingModules() {
    }

    /** How Q is computed. */
    public enum JvpStrategy {
        /** The model's own JVP: exact for analytic models, the exported graph for ONNX models. */
        GRAPH,
        /** A one-sided finite difference over the forward denoiser (one extra call). */
        FINITE_DIFFERENCE;

        /** Parses {@code graph|exact|onnx} or {@code fd|finite-difference}. */
        public static JvpStrategy parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            switch (t) {
                case "graph":
                case "exact":
                case "onnx":
                    return GRAPH;
                case "fd":
                case "finite-difference":
                    return FINITE_DIFFERENCE;
                default:
                    throw new ArtException("unknown JVP strategy '" + text + "': expected graph or fd");
            }
        }
    }

    /** The denoiser source: {@code analytic:NAME} or an ONNX file path. */
    public static Module denoiser(String spec) {
        return new AbstractModule() {
            @Provides
            @Singleton
            DenoiserSource source() {
                return DenoiserSource.open(spec);
            }
        };
    }

    /** The denoiser source with {@code options} (conditioning, guidance, parameterisation). */
    public static Module denoiser(String spec, DenoiserOptions options) {
        return new AbstractModule() {
            @Provides
            @Singleton
            DenoiserSource source() {
                return DenoiserSource.open(spec, options);
            }
        };
    }

    /**
     * The JVP strategy. With {@link JvpStrategy#GRAPH} an ONNX model needs {@code jvpGraph} (its exported JVP
     * graph) and an analytic model uses its exact JVP.
     */
    public static Module jvp(JvpStrategy strategy, Path jvpGraph) {
        return jvp(strategy, jvpGraph, false);
    }

    /**
     * The JVP strategy; an exported JVP graph is checked against finite differences of the model when it is
     * loaded ({@link JvpCheck}) unless {@code trustGraph}.
     */
    public static Module jvp(JvpStrategy strategy, Path jvpGraph, boolean trustGraph) {
        return new AbstractModule() {
            @Provides
            @Singleton
            FlowModel flow(DenoiserSource source) {
                if (strategy == JvpStrategy.FINITE_DIFFERENCE) {
                    source.putProvenance("jvp", "finite-difference");
                    FiniteDifferenceJvp fd = FiniteDifferenceJvp.of(source.denoiser());
                    source.putProvenance("fd_eta", fd.eta());
                    return new JvpFlowModel(fd, "finite-difference");
                }
                if (source.analyticName().isPresent()) {
                    source.putProvenance("jvp", "exact");
                    return source.conditioned() ? new JvpFlowModel(source.exactJvp().orElseThrow(), "exact")
                            : AnalyticModels.exactFlow(source.analyticName().get());
                }
                if (jvpGraph == null) {
                    throw new ArtException("the ONNX denoiser " + source.spec() + " needs its exported JVP graph for "
                            + "the graph strategy; found none (use the finite-difference strategy instead)");
                }
                if (!Files.isRegularFile(jvpGraph)) {
                    throw new ArtException("the JVP graph must be an ONNX file, found '" + jvpGraph + "' ("
                            + (Files.isDirectory(jvpGraph) ? "a directory" : Files.exists(jvpGraph)
                            ? "not a regular file" : "no such file") + ")");
                }
                dev.artsched.sampling.JvpDenoiser graph = source.withJvpGraph(jvpGraph);
                if (!trustGraph) {
                    Denoiser d = source.denoiser();
                    JvpCheck.verify(d, graph, d.sigmaMin().orElse(ArtProblem.DEFAULT_SIGMA_MIN),
                            d.sigmaMax().orElse(ArtProblem.DEFAULT_SIGMA_MAX), 0x4A5650L, jvpGraph.toString());
                }
                source.putProvenance("jvp", "onnx-jvp");
                source.putProvenance("jvp_file", jvpGraph.toString());
                source.putProvenance("jvp_sha256", DenoiserSource.sha256(jvpGraph));
                return new JvpFlowModel(graph, "onnx-jvp");
            }
        };
    }

    /**
     * The problem: T from {@code sigmaMax}, else the model's {@code art.sigma_max}, else the analytic model's
     * default, else 80; sigma_min from {@code sigmaMin}, else metadata, else 0.002.
     */
    public static Module problem(Double sigmaMax, Double sigmaMin) {
        return new AbstractModule() {
            @Provides
            @Singleton
            ArtProblem problem(DenoiserSource source, FlowModel flow) {
                String analytic = source.analyticName().orElse(null);
                double t = sigmaMax != null ? sigmaMax
                        : source.denoiser().sigmaMax().orElse(analytic != null
                        ? AnalyticModels.defaultSigmaMax(analytic) : ArtProblem.DEFAULT_SIGMA_MAX);
                double smin = sigmaMin != null ? sigmaMin
                        : source.denoiser().sigmaMin().orElse(ArtProblem.DEFAULT_SIGMA_MIN);
                if (analytic != null) {
                    ArtProblem p = AnalyticModels.problem(analytic, flow, t, smin);
                    java.util.Map<String, Object> prov = new java.util.LinkedHashMap<>(p.provenance());
                    prov.putAll(source.provenance());
                    return new ArtProblem(p.model(), t, smin, p.initial(), p.norm(), prov);
                }
                return new ArtProblem(flow, t, smin, InitialState.normal(t), QNorm.forDimension(flow.dim()),
                        source.provenance());
            }
        };
    }

    /** The feature map: {@code auto} (by dimension), {@code t-x-psi} or {@code summary6}. */
    public static Module features(String name) {
        return new AbstractModule() {
            @Provides
            @Singleton
            FeatureMap features(FlowModel flow) {
                String n = name == null ? "auto" : name.trim().toLowerCase(Locale.ROOT);
                switch (n) {
                    case "auto":
                        return FeatureMaps.forDimension(flow.dim());
                    case "t-x-psi":
                        return new ScalarFeatureMap();
                    case "summary6":
                        return new SummaryFeatureMap();
                    default:
                        throw new ArtException("unknown feature map '" + name
                                + "': expected auto, t-x-psi or summary6");
                }
            }
        };
    }

    /** The actor/critic architecture. */
    public static Module networks(NetworkFactory factory) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(NetworkFactory.class).toInstance(factory);
            }
        };
    }

    /** The optimiser. */
    public static Module optimiser(OptimiserFactory factory) {
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(OptimiserFactory.class).toInstance(factory);
            }
        };
    }

    /** Every module with the paper's networks and optimiser. */
    public static List<Module> standard(String denoiser, JvpStrategy strategy, Path jvpGraph, Double sigmaMax,
                                       Double sigmaMin) {
        return standard(denoiser, strategy, jvpGraph, false, sigmaMax, sigmaMin);
    }

    /** As {@link #standard(String, JvpStrategy, Path, Double, Double)}; {@code trustJvp} skips the JVP check. */
    public static List<Module> standard(String denoiser, JvpStrategy strategy, Path jvpGraph, boolean trustJvp,
                                       Double sigmaMax, Double sigmaMin) {
        return List.of(denoiser(denoiser), jvp(strategy, jvpGraph, trustJvp), problem(sigmaMax, sigmaMin),
                features("auto"), networks(NetworkFactory.PAPER), optimiser(OptimiserFactory.paperAdam()));
    }

    /** An injector over {@code modules}, unwrapping Guice's provisioning errors into one {@link ArtException}. */
    public static Injector injector(Iterable<? extends Module> modules) {
        return Guice.createInjector(modules);
    }

    /** Gets an instance, turning Guice's wrapped failures back into the underlying {@link ArtException}. */
    public static <T> T get(Injector injector, Class<T> type) {
        try {
            return injector.getInstance(type);
        } catch (com.google.inject.ProvisionException e) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof ArtException a) {
                    throw a;
                }
            }
            throw new ArtException("could not assemble the trainer: " + e.getMessage(), e);
        }
    }
}
