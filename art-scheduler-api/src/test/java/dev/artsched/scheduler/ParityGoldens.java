package dev.artsched.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the peer goldens under {@code /parity/} and compares grids with them; records which built-ins were checked. */
final class ParityGoldens {
    /** float32 precision, relative. */
    static final double F32 = 3e-7;
    /** Built-in scheduler names with a parity case that ran. */
    static final Set<String> COVERED = java.util.Collections.synchronizedSet(new TreeSet<>());

    private ParityGoldens() {
    }

    static JsonNode read(String name) {
        try (InputStream in = ParityGoldens.class.getResourceAsStream("/parity/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[] values(JsonNode arr) {
        double[] v = new double[arr.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = arr.get(i).asDouble();
        }
        return v;
    }

    static void close(double[] actual, double[] expected, double rel, String what) {
        assertThat(actual).as(what + " length").hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double tol = rel * Math.abs(expected[i]);
            assertThat(Math.abs(actual[i] - expected[i])).as("%s sigma[%d]: %s vs peer %s", what, i, actual[i],
                    expected[i]).isLessThanOrEqualTo(tol);
        }
    }
}
