package dev.artsched.training.rl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of an ART-RL checkpoint's fingerprint that names the run's inputs: the model's and the JVP graph's
 * sha256, how Q is computed, the |Q| norm, the initial states, the gamma_0 reference and the conditioning set.
 * Conditional models do not exist yet, so the conditioning is {@link #NO_CONDITIONING}; a conditional model puts
 * a digest of its conditioning set there, and a resume with another set is then refused like any other change.
 * Fingerprints are {@code key=value} pairs separated by spaces, which {@link #difference} compares key by key.
 */
final class RunFingerprint {
    /** The conditioning entry of an unconditional model. */
    static final String NO_CONDITIONING = "none";
    private static final Pattern PAIR = Pattern.compile("(\\S+?)=(.*?)(?= \\S+?=|$)");

    private RunFingerprint() {
    }

    /** The inputs' entries, each with a leading space. */
    static String inputs(Object modelSha, Object jvp, Object jvpSha, String norm, String initial, int rollouts,
                         int fineSteps, String conditioning) {
        return " model_sha256=" + text(modelSha) + " jvp=" + text(jvp) + " jvp_sha256=" + text(jvpSha)
                + " q_norm=" + text(norm) + " initial_state=" + text(initial) + " gamma_reference=" + rollouts + "x"
                + fineSteps + " conditioning=" + text(conditioning);
    }

    private static String text(Object v) {
        return v == null ? "-" : String.valueOf(v).replace(' ', '_');
    }

    /** Which entries differ between a checkpoint's fingerprint and this run's, e.g. {@code model_sha256: ...}. */
    static String difference(String checkpoint, String now) {
        Map<String, String> a = parse(checkpoint);
        Map<String, String> b = parse(now);
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> e : b.entrySet()) {
            String old = a.get(e.getKey());
            if (old == null) {
                diffs.add(e.getKey() + " (not recorded in the checkpoint, now " + shorten(e.getValue()) + ")");
            } else if (!old.equals(e.getValue())) {
                diffs.add(e.getKey() + " (checkpoint " + shorten(old) + ", now " + shorten(e.getValue()) + ")");
            }
        }
        for (String k : a.keySet()) {
            if (!b.containsKey(k)) {
                diffs.add(k + " (checkpoint " + shorten(a.get(k)) + ", not set now)");
            }
        }
        if (diffs.isEmpty()) {
            return "expected settings [" + now + "], found [" + checkpoint + "]";
        }
        return "expected the checkpoint's inputs and settings, found " + diffs.size() + " different: "
                + String.join(", ", diffs);
    }

    private static Map<String, String> parse(String fingerprint) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher x = PAIR.matcher(fingerprint.trim());
        while (x.find()) {
            m.put(x.group(1), x.group(2).trim());
        }
        return m;
    }

    private static String shorten(String v) {
        return v.matches("[0-9a-f]{64}") ? v.substring(0, 12) + "..." : v;
    }
}
