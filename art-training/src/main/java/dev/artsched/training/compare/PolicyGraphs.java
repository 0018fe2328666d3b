package dev.artsched.training.compare;

import dev.artsched.onnx.OnnxPolicy;
import dev.artsched.scheduler.ArtException;
import dev.artsched.scheduler.ScheduleFile;
import dev.artsched.scheduler.adaptive.AdaptivePolicy;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** The ONNX policy graphs the PPO trainings of a comparison wrote, one per N, opened on first use. */
final class PolicyGraphs implements AutoCloseable {
    private final Map<Integer, ScheduleFile> files;
    private final Map<Integer, OnnxPolicy> open = new TreeMap<>();

    PolicyGraphs(Map<Integer, ScheduleFile> files) {
        this.files = files == null ? Map.of() : files;
    }

    boolean present() {
        return !files.isEmpty();
    }

    /** The policy trained for N steps. */
    AdaptivePolicy policy(int steps) {
        ScheduleFile f = files.get(steps);
        if (f == null || !(f.training().get("policy_graph") instanceof String path)) {
            throw new ArtException("no PPO policy graph was written for N = " + steps + "; expected one per N");
        }
        return open.computeIfAbsent(steps, n -> OnnxPolicy.load(Path.of(path)));
    }

    @Override
    public void close() {
        open.values().forEach(OnnxPolicy::close);
        open.clear();
    }
}
