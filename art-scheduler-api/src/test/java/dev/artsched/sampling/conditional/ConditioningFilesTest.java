package dev.artsched.sampling.conditional;

import dev.artsched.sampling.analytic.ClassConditionalMixture;
import dev.artsched.scheduler.ArtException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** NumPy .npz/.npy and JSON conditioning files, and binding a set to a model's declared inputs. */
class ConditioningFilesTest {
    @TempDir
    Path dir;

    private static final CondSpec EMB = new CondSpec("encoder_hidden_states", CondType.FLOAT32, new long[] {3, 4},
            true);
    private static final CondSpec LABELS = new CondSpec("class_labels", CondType.INT64, new long[0], true);

    private Path npz(String file, boolean deflate, Conditioning.Array... arrays) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Conditioning.Array a : arrays) {
                byte[] data = ConditioningFiles.npy(a);
                ZipEntry e = new ZipEntry(a.name() + ".npy");
                if (!deflate) {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(data.length);
                    e.setCrc(crc.getValue());
                }
                zip.putNextEntry(e);
                zip.write(data);
                zip.closeEntry();
            }
        }
        Path p = dir.resolve(file);
        Files.write(p, bytes.toByteArray());
        return p;
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.25f * i - 3;
        }
        return v;
    }

    @Test
    void storedAndDeflatedNpzRoundTripEveryType() throws IOException {
        Conditioning.Array f32 = Conditioning.Array.of("encoder_hidden_states", new long[] {3, 4}, ramp(24));
        Conditioning.Array f16 = new Conditioning.Array("half", CondType.FLOAT16, new long[] {2}, ramp(4), null);
        Conditioning.Array i64 = Conditioning.Array.of("class_labels", new long[0], new long[] {7, -2});
        Conditioning.Array i32 = new Conditioning.Array("ids", CondType.INT32, new long[] {1}, null,
                new long[] {5, 6});
        for (boolean deflate : new boolean[] {false, true}) {
            Conditioning c = ConditioningFiles.read(npz("c" + deflate + ".npz", deflate, f32, f16, i64, i32));
            assertThat(c.rows()).isEqualTo(2);
            assertThat(c.names()).containsExactly("encoder_hidden_states", "half", "class_labels", "ids");
            assertThat(c.array("encoder_hidden_states").floats()).containsExactly(ramp(24));
            assertThat(c.array("encoder_hidden_states").rowShape()).containsExactly(3, 4);
            assertThat(c.array("half").type()).isEqualTo(CondType.FLOAT16);
            assertThat(c.array("half").floats()).containsExactly(ramp(4));
            assertThat(c.array("class_labels").longs()).containsExactly(7, -2);
            assertThat(c.array("ids").longs()).containsExactly(5, 6);
        }
    }

    @Test
    void singleNpyIsNamedAfterItsFile() throws IOException {
        Path p = dir.resolve("class_labels.npy");
        Files.write(p, ConditioningFiles.npy(Conditioning.Array.of("whatever", new long[0], new long[] {1, 2, 3})));
        Conditioning c = ConditioningFiles.read(p);
        assertThat(c.names()).containsExactly("class_labels");
        assertThat(c.rows()).isEqualTo(3);
    }

    @Test
    void jsonLabelsAndFloatRows() throws IOException {
        Path p = dir.resolve("c.json");
        Files.writeString(p, "{\"class_labels\": [0, 3, 1], \"y\": [[0.5, 1], [2, 3], [4, 5]]}");
        Conditioning c = ConditioningFiles.read(p);
        assertThat(c.array("class_labels").type()).isEqualTo(CondType.INT64);
        assertThat(c.array("class_labels").longs()).containsExactly(0, 3, 1);
        assertThat(c.array("y").type()).isEqualTo(CondType.FLOAT32);
        assertThat(c.array("y").rowShape()).containsExactly(2);
        assertThat(c.array("y").floats()).containsExactly(0.5f, 1, 2, 3, 4, 5);
    }

    @Test
    void badFilesAreOneClearError() throws IOException {
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{\"class_labels\": []}");
        assertThatThrownBy(() -> ConditioningFiles.read(empty)).isInstanceOf(ArtException.class)
                .hasMessageContaining("empty set (M = 0)");
        Path ragged = dir.resolve("ragged.json");
        Files.writeString(ragged, "{\"y\": [[1, 2], [3]]}");
        assertThatThrownBy(() -> ConditioningFiles.read(ragged)).hasMessageContaining("rectangular");
        Path unequal = dir.resolve("unequal.json");
        Files.writeString(unequal, "{\"a\": [1, 2], \"b\": [1]}");
        assertThatThrownBy(() -> ConditioningFiles.read(unequal)).hasMessageContaining("same number of rows M");
        Path zeroRows = npz("zero.npz", true, new Conditioning.Array("class_labels", CondType.INT64, new long[0], null,
                new long[0]));
        assertThatThrownBy(() -> ConditioningFiles.read(zeroRows)).hasMessageContaining("M = 0");
        Path f8 = dir.resolve("x.npy");
        byte[] npy = ConditioningFiles.npy(Conditioning.Array.of("x", new long[0], new float[] {1}));
        String s = new String(npy, java.nio.charset.StandardCharsets.ISO_8859_1).replace("<f4", "<f8");
        Files.write(f8, s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> ConditioningFiles.read(f8)).hasMessageContaining("expected dtype <f4, <f2, <i8 or <i4")
                .hasMessageContaining("'<f8'");
        Path truncated = dir.resolve("t.npy");
        Files.write(truncated, java.util.Arrays.copyOf(npy, npy.length - 2));
        assertThatThrownBy(() -> ConditioningFiles.read(truncated)).hasMessageContaining("truncated");
        Path corrupt = dir.resolve("bad.npz");
        Files.write(corrupt, new byte[] {'P', 'K', 3, 4, 0, 0, 0});
        assertThatThrownBy(() -> ConditioningFiles.read(corrupt)).isInstanceOf(ArtException.class)
                .hasMessageContaining("bad.npz");
    }

    @Test
    void bindingChecksNamesTypesAndShapes() {
        Conditioning emb = Conditioning.of("prompt.npz", List.of(
                Conditioning.Array.of("encoder_hidden_states", new long[] {3, 4}, ramp(24))));
        assertThat(emb.bind(List.of(EMB), "unet.onnx").rows()).isEqualTo(2);
        assertThatThrownBy(() -> Conditioning.labels("class_labels", 1).bind(List.of(EMB), "unet.onnx"))
                .hasMessage("labels has array 'class_labels', which unet.onnx does not declare: expected arrays for "
                        + "encoder_hidden_states float32 [B, 3, 4]");
        assertThatThrownBy(() -> emb.bind(List.of(EMB, LABELS), "m.onnx"))
                .hasMessage("m.onnx needs conditioning input 'class_labels', not supplied by prompt.npz: expected "
                        + "arrays for encoder_hidden_states float32 [B, 3, 4], class_labels int64 [B], found "
                        + "[encoder_hidden_states]");
        Conditioning floats = Conditioning.of("c.json", List.of(Conditioning.Array.of("class_labels", new long[0],
                new float[] {1.5f})));
        assertThatThrownBy(() -> floats.bind(List.of(LABELS), "m.onnx"))
                .hasMessage("conditioning input 'class_labels' of m.onnx: expected int64, found float32 in c.json");
        Conditioning wide = Conditioning.of("p.npz", List.of(Conditioning.Array.of("encoder_hidden_states",
                new long[] {3, 5}, ramp(15))));
        assertThatThrownBy(() -> wide.bind(List.of(EMB), "unet.onnx"))
                .hasMessage("conditioning input 'encoder_hidden_states' of unet.onnx: expected rows of shape [3, 4] "
                        + "(array [M, ...]), found encoder_hidden_states [1, 3, 5] in p.npz");
    }

    @Test
    void typesConvertToTheDeclaredOnes() {
        CondSpec half = new CondSpec("h", CondType.FLOAT16, new long[0], true);
        Conditioning c = Conditioning.of("c", List.of(Conditioning.Array.of("h", new long[0],
                new float[] {0.1f, 70000f})));
        Conditioning.Array bound = c.bind(List.of(half), "m").arrays().get(0);
        assertThat(bound.type()).isEqualTo(CondType.FLOAT16);
        assertThat(bound.floats()[0]).isEqualTo(Half.toFloat(Half.fromFloat(0.1f))).isNotEqualTo(0.1f);
        assertThat(bound.floats()[1]).isInfinite();
        CondSpec i32 = new CondSpec("class_labels", CondType.INT32, new long[0], true);
        assertThatThrownBy(() -> Conditioning.labels("class_labels", 1L << 40).bind(List.of(i32), "m"))
                .hasMessageContaining("expected int32 values, found 1099511627776");
    }

    @Test
    void halfConversionIsExactOnEveryHalfValue() {
        for (int h = 0; h < 0x10000; h++) {
            short bits = (short) h;
            float f = Half.toFloat(bits);
            if (Float.isNaN(f)) {
                continue;
            }
            assertThat(Half.fromFloat(f)).as("bits %x", h).isEqualTo(bits);
        }
        assertThat(Half.toFloat(Half.fromFloat(1.0009766f))).isEqualTo(1.0009766f);
        assertThat(Half.toFloat(Half.fromFloat(65504f))).isEqualTo(65504f);
    }

    @Test
    void analyticModelRejectsLabelsOutOfRange() {
        ClassConditionalMixture m = ClassConditionalMixture.member(1);
        float[] x = new float[m.sampleSize()];
        assertThatThrownBy(() -> ConditionedDenoiser.of(m, Conditioning.labels("class_labels", m.classes() + 1), 0)
                .denoise(x, new float[] {1}, 1, new float[x.length]))
                .hasMessageContaining("expected 0.." + (m.classes() - 1));
    }

    @Test
    void permutationIsSeededAndComplete() {
        assertThat(Conditioning.permutation(10, 3)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9)
                .isEqualTo(Conditioning.permutation(10, 3)).isNotEqualTo(Conditioning.permutation(10, 4));
    }
}
