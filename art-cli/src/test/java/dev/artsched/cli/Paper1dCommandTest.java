package dev.artsched.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class Paper1dCommandTest {

    @Test
    void shortRunPrintsEveryRowWithExactValuesFromArtMd() throws Exception {
        CommandLine cmd = new CommandLine(new Paper1dCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        int code = cmd.execute("--json", "--iterations", "40", "--batch", "4", "--mc-samples", "20000");
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().trim().lines()).hasSize(1);
        JsonNode root = new ObjectMapper().readTree(out.toString());
        assertThat(root.get("wall_seconds").asDouble()).isPositive();
        JsonNode rows = root.get("rows");
        assertThat(rows).hasSize(30);
        Map<String, Double> exact = new HashMap<>();
        for (JsonNode r : rows) {
            String key = r.get("method").asText() + "/" + r.get("K").asInt();
            exact.put(key, r.get("w2_exact").asDouble());
            assertThat(r.get("w2_mc").asDouble()).as(key).isCloseTo(r.get("w2_exact").asDouble(), within(0.02));
            assertThat(r.has("paper")).isTrue();
        }
        double[] uniform = {.4648, .2117, .1103, .0565, .0230, .0116};
        double[] edm = {.6617, .3158, .1736, .0908, .0373, .0188};
        double[] optimum = {.3492, .1493, .0771, .0392, .0159, .0080};
        int[] ks = {2, 5, 10, 20, 50, 100};
        for (int i = 0; i < ks.length; i++) {
            assertThat(exact.get("uniform/" + ks[i])).isCloseTo(uniform[i], within(1e-4));
            assertThat(exact.get("edm/" + ks[i])).isCloseTo(edm[i], within(1e-4));
            assertThat(exact.get("closed-form/" + ks[i])).isCloseTo(optimum[i], within(0.02 * optimum[i]));
            assertThat(exact.get("art-rl/" + ks[i])).isLessThan(exact.get("edm/" + ks[i]));
        }
        assertThat(rows.get(0).get("paper").asDouble()).isEqualTo(.468);
    }
}
