package dev.artsched.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Golden transcripts of the {@code art} command line: every {@code golden/*.json} test resource holds the
 * arguments, exit code, stdout, the {@code art...} lines of stderr and the written files (a JSON file as a JSON
 * value, a PNG as its sha256) of one invocation as recorded from a reference build by {@code golden/record.sh} (cases listed in {@code golden/cases.txt}). Each
 * case is run in-process with the current code through {@link ArtCli#commandLine()} and must reproduce the
 * transcript exactly, after the masks of {@code golden/masks.tsv} (timings) and with {@code ${TMP}} standing for
 * a fresh temporary folder. Model paths in the arguments are relative to the module folder ({@code ../models/...}).
 */
class GoldenTranscriptTest {

    private static final String TMP = "${TMP}";
    private static final Pattern ART_LINE = Pattern.compile("^(art\\b|Try 'art)");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Mask(Pattern regex, String replacement) {
    }

    static Stream<Arguments> cases() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(goldenDir())) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).as("golden transcripts").isNotEmpty();
        return files.stream().map(p -> Arguments.of(
                Named.of(p.getFileName().toString().replaceAll("\\.json$", ""), p)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reproducesTheRecordedTranscript(Path transcript, @TempDir Path tmp) throws IOException {
        JsonNode golden = MAPPER.readTree(transcript.toFile());
        String name = golden.get("name").asText();
        String dir = tmp.toAbsolutePath().toString();
        List<String> args = new ArrayList<>();
        golden.get("args").forEach(a -> args.add(a.asText().replace(TMP, dir)));

        CliRun run = CliRun.run(args.toArray(new String[0]));

        assertThat(run.exitCode()).as("%s: exit code (stderr: %s)", name, run.err())
                .isEqualTo(golden.get("exitCode").asInt());
        assertThat(mask(run.out(), dir)).as("%s: stdout", name).isEqualTo(golden.get("stdout").asText());
        List<String> expectedErr = new ArrayList<>();
        golden.get("stderr").forEach(l -> expectedErr.add(l.asText()));
        assertThat(artLines(run.err(), dir)).as("%s: art lines of stderr", name).isEqualTo(expectedErr);
        for (Map.Entry<String, JsonNode> f : golden.get("files").properties()) {
            Path written = tmp.resolve(f.getKey());
            if (f.getValue().isNull()) {
                assertThat(written).as("%s: %s is not written", name, f.getKey()).doesNotExist();
            } else {
                assertThat(written).as("%s: %s is written", name, f.getKey()).exists();
                String text = fileText(written, dir);
                if (f.getValue().isTextual()) {
                    assertThat(text).as("%s: contents of %s", name, f.getKey()).isEqualTo(f.getValue().asText());
                } else {
                    // a JSON file: compared as a JSON value, whatever the order of its keys
                    assertThat(MAPPER.readTree(text)).as("%s: contents of %s", name, f.getKey())
                            .isEqualTo(f.getValue());
                }
            }
        }
    }

    private static String fileText(Path file, String dir) throws IOException {
        if (file.getFileName().toString().endsWith(".png")) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                return "sha256:" + HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return mask(Files.readString(file, StandardCharsets.UTF_8), dir);
    }

    private static List<String> artLines(String err, String dir) {
        List<String> lines = new ArrayList<>();
        for (String l : err.split("[\\r\\n]+")) {
            if (ART_LINE.matcher(l).lookingAt()) {
                lines.add(mask(l, dir));
            }
        }
        return lines;
    }

    /** The temporary folder becomes {@code ${TMP}}, then every mask of {@code masks.tsv} applies in order. */
    private static String mask(String text, String dir) {
        String s = text.replace(dir, TMP);
        for (Mask m : Masks.ALL) {
            s = m.regex().matcher(s).replaceAll(m.replacement());
        }
        return s;
    }

    private static Path goldenDir() {
        URL url = GoldenTranscriptTest.class.getResource("/golden");
        assertThat(url).as("test resource folder golden/").isNotNull();
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The masks of {@code golden/masks.tsv}: REGEX, a tab, a Java replacement; lines starting with # are notes. */
    private static final class Masks {
        static final List<Mask> ALL = read();

        private static List<Mask> read() {
            try {
                List<Mask> masks = new ArrayList<>();
                for (String line : Files.readAllLines(goldenDir().resolve("masks.tsv"), StandardCharsets.UTF_8)) {
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    String[] parts = line.split("\t", 2);
                    masks.add(new Mask(Pattern.compile(parts[0]), parts[1]));
                }
                return List.copyOf(masks);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
