package dev.artsched.scheduler;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Property run over generated malformed and hostile schedule files: every input either parses into a schedule
 * that satisfies the contract, or fails with exactly one {@link ArtException} naming the file; nothing else
 * escapes (no Jackson, NumberFormat, OutOfMemory or StackOverflow errors). The count is set by
 * {@code -Dart.fuzz.cases} (default 12,000; the {@code fuzz} profile runs 1,000,000).
 */
class ScheduleFileFuzzTest {
    private static final String VALID = "{\"format\":\"art-schedule/1\",\"name\":\"g\",\"steps\":4,\"solver\":\"heun\","
            + "\"sigmaMin\":0.002,\"sigmaMax\":80,\"method\":\"art-rl\",\"sigmas\":[80,10,1,0.1,0],"
            + "\"training\":{\"seed\":1,\"hyper\":{\"lambda\":0.1}}}";

    @Test
    void generatedMalformedFilesNeverEscapeAsAnythingButOneClearError() {
        int cases = Integer.getInteger("art.fuzz.cases", 12_000);
        SplittableRandom rng = new SplittableRandom(Long.getLong("art.fuzz.seed", 20261122L));
        int parsed = 0;
        int rejected = 0;
        int[] byKind = new int[Kind.values().length];
        for (int i = 0; i < cases; i++) {
            Kind kind = Kind.values()[rng.nextInt(Kind.values().length)];
            byKind[kind.ordinal()]++;
            String text = kind.make(rng);
            String where = "case-" + i + "-" + kind;
            try {
                ScheduleFile f = ScheduleFile.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), where);
                Schedule.validate(f.sigmas());
                assertThat(ScheduleFile.read(new ByteArrayInputStream(f.toJson().getBytes(StandardCharsets.UTF_8)), where))
                        .isEqualTo(f);
                parsed++;
            } catch (ArtException e) {
                assertThat(e.getMessage()).startsWith("schedule file " + where + ": ").doesNotContain("\n");
                rejected++;
            } catch (Throwable t) {
                fail("case " + i + " (" + kind + ") escaped as " + t + " for input: "
                        + text.substring(0, Math.min(300, text.length())));
            }
        }
        assertThat(parsed + rejected).isEqualTo(cases);
        assertThat(rejected).as("most generated cases are malformed").isGreaterThan(cases / 2);
        for (Kind k : Kind.values()) {
            assertThat(byKind[k.ordinal()]).as("cases of kind %s", k).isPositive();
        }
    }

    /** Families of hostile inputs. */
    private enum Kind {
        TRUNCATED {
            String make(SplittableRandom r) {
                return VALID.substring(0, r.nextInt(VALID.length()));
            }
        },
        BYTE_FLIP {
            String make(SplittableRandom r) {
                char[] c = VALID.toCharArray();
                for (int k = 1 + r.nextInt(4); k > 0; k--) {
                    c[r.nextInt(c.length)] = (char) (r.nextInt(95) + 32);
                }
                return new String(c);
            }
        },
        NON_FINITE {
            String make(SplittableRandom r) {
                String[] bad = {"NaN", "Infinity", "-Infinity", "1e400", "-1e400", "\"NaN\"", "null", "1e-400"};
                return VALID.replace("10,", bad[r.nextInt(bad.length)] + ",");
            }
        },
        NEGATIVE {
            String make(SplittableRandom r) {
                return VALID.replace("0.1,", "-" + r.nextDouble() + ",");
            }
        },
        UNSORTED {
            String make(SplittableRandom r) {
                double[] s = new double[2 + r.nextInt(30)];
                for (int i = 0; i < s.length - 1; i++) {
                    s[i] = r.nextDouble(0, 100);
                }
                return withSigmas(s);
            }
        },
        DUPLICATED {
            String make(SplittableRandom r) {
                return withSigmas(new double[] {5, 3, 3, 1, 0});
            }
        },
        WRONG_TYPES {
            String make(SplittableRandom r) {
                String[] fields = {"\"format\":", "\"name\":", "\"steps\":", "\"solver\":", "\"sigmaMin\":",
                    "\"sigmaMax\":", "\"method\":", "\"sigmas\":", "\"training\":"};
                String[] values = {"{}", "[]", "true", "false", "null", "\"x\"", "-3", "1.5", "[\"a\"]", "{\"a\":1}"};
                String f = fields[r.nextInt(fields.length)];
                int at = VALID.indexOf(f) + f.length();
                int end = at;
                int depth = 0;
                while (end < VALID.length()) {
                    char ch = VALID.charAt(end);
                    if (ch == '[' || ch == '{') {
                        depth++;
                    } else if (ch == ']' || ch == '}') {
                        if (depth == 0) {
                            break;
                        }
                        depth--;
                    } else if (ch == ',' && depth == 0) {
                        break;
                    }
                    end++;
                }
                return VALID.substring(0, at) + values[r.nextInt(values.length)] + VALID.substring(end);
            }
        },
        DEEP_NESTING {
            String make(SplittableRandom r) {
                int depth = r.nextInt(20) == 0 ? 10_000 + r.nextInt(10_000) : 10 + r.nextInt(200);
                return "{\"format\":\"art-schedule/1\",\"name\":\"g\",\"sigmas\":[1,0],\"x\":"
                        + "[".repeat(depth) + "]".repeat(depth) + "}";
            }
        },
        HUGE_ARRAY {
            String make(SplittableRandom r) {
                int n = r.nextInt(20) == 0 ? 100_002 + r.nextInt(1000) : 2 + r.nextInt(2000);
                StringBuilder sb = new StringBuilder("{\"format\":\"art-schedule/1\",\"name\":\"g\",\"sigmas\":[");
                for (int i = n; i > 1; i--) {
                    sb.append(i).append(',');
                }
                return sb.append("0]}").toString();
            }
        },
        HUGE_STRING {
            String make(SplittableRandom r) {
                return VALID.replace("\"name\":\"g\"", "\"name\":\"" + "x".repeat(r.nextInt(20) == 0 ? (1 << 20) + 1 + r.nextInt(100) : 1 + r.nextInt(5000)) + "\"");
            }
        },
        RANDOM_BYTES {
            String make(SplittableRandom r) {
                char[] c = new char[r.nextInt(200)];
                for (int i = 0; i < c.length; i++) {
                    c[i] = (char) r.nextInt(0x3000);
                }
                return new String(c);
            }
        },
        VALID_VARIANT {
            String make(SplittableRandom r) {
                int n = 1 + r.nextInt(50);
                double[] s = new double[n + 1];
                s[0] = r.nextDouble(0.5, 200);
                for (int i = 1; i < n; i++) {
                    s[i] = s[i - 1] * r.nextDouble(0.1, 0.99);
                }
                return withSigmas(s);
            }
        };

        abstract String make(SplittableRandom r);

        static String withSigmas(double[] s) {
            StringBuilder sb = new StringBuilder("{\"format\":\"art-schedule/1\",\"name\":\"g\",\"sigmas\":[");
            for (int i = 0; i < s.length; i++) {
                sb.append(i == 0 ? "" : ",").append(s[i]);
            }
            return sb.append("],\"future\":{\"kept\":true}}").toString();
        }
    }
}
