package dev.artsched.cli;

import dev.artsched.eval.Evaluation;
import dev.artsched.scheduler.adaptive.AdaptivePolicy;
import dev.artsched.scheduler.adaptive.AdaptiveSchedulers;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code --adaptive} option of {@code art eval} and {@code art compare}: per-sample adaptive schedulers (for
 * example a PPO policy graph, {@code onnx:path=policy.onnx}) evaluated at the NFE budget of each step count.
 */
final class AdaptiveOptions implements AutoCloseable {
    @Option(names = "--adaptive", paramLabel = "SPEC",
            description = "Adaptive scheduler to evaluate at each step count's NFE budget (repeatable), e.g. "
                    + "onnx:path=policy.onnx (a PPO policy graph) or constant:step=0.1; reports the NFE each sample "
                    + "spent (mean, max).")
    List<String> specs = new ArrayList<>();

    private final List<AdaptivePolicy> opened = new ArrayList<>();

    /** Checks the policy files against the command's other files. */
    void check(Outputs files) {
        for (String s : specs) {
            files.spec("--adaptive", s);
        }
    }

    /** Opens every policy (closed by {@link #close()}). */
    List<Evaluation.AdaptiveCandidate> open() {
        List<Evaluation.AdaptiveCandidate> out = new ArrayList<>();
        for (String s : specs) {
            AdaptivePolicy p = CliSupport.forOption("--adaptive", () -> AdaptiveSchedulers.defaults().policy(s));
            opened.add(p);
            out.add(new Evaluation.AdaptiveCandidate("adaptive:" + s, p));
        }
        return out;
    }

    @Override
    public void close() {
        for (AdaptivePolicy p : opened) {
            if (p instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing a policy graph's session cannot lose results; nothing to report
                }
            }
        }
        opened.clear();
    }
}
