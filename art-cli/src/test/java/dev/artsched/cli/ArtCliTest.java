package dev.artsched.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

class ArtCliTest {

    @Test
    void helpListsTheSubcommands() {
        CliRun r = CliRun.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: art").contains("schedule").contains("eval").contains("train")
                .contains("paper-1d").contains("--verbose");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void versionIsPrinted() {
        CliRun r = CliRun.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("art-scheduler ");
    }

    @Test
    void missingCommandIsAUsageErrorWithOneLineAndAHint() {
        CliRun r = CliRun.run();
        assertThat(r.exitCode()).isEqualTo(CliSupport.USAGE);
        String registered = String.join(", ", ArtCli.commandLine().getSubcommands().keySet());
        assertThat(registered).startsWith("schedule, train, eval, paper-1d").endsWith("help");
        assertThat(r.errLines()).containsExactly("art: error: missing command: expected one of " + registered,
                "Try 'art --help' for more information.");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownCommandAndUnknownOptionAreUsageErrors() {
        CliRun r = CliRun.run("frobnicate");
        assertThat(r.exitCode()).isEqualTo(CliSupport.USAGE);
        assertThat(r.errLines()).hasSize(2);
        assertThat(r.errLines()[0]).startsWith("art: error: ").contains("frobnicate");
        CliRun o = CliRun.run("schedule", "--scheduler", "edm", "--steps", "3", "--bogus");
        assertThat(o.exitCode()).isEqualTo(CliSupport.USAGE);
        assertThat(o.errLines()).containsExactly("art: error: Unknown option: '--bogus'",
                "Try 'art schedule --help' for more information.");
    }

    @Test
    void verboseAfterTheSubcommandAddsTheStackTrace() {
        CliRun quiet = CliRun.run("schedule", "--scheduler", "nope", "--steps", "3");
        assertThat(quiet.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(quiet.errLines()).hasSize(1);
        CliRun verbose = CliRun.run("schedule", "--scheduler", "nope", "--steps", "3", "--verbose");
        assertThat(verbose.exitCode()).isEqualTo(CliSupport.ERROR);
        assertThat(verbose.errLines()[0]).isEqualTo(quiet.errLines()[0]);
        assertThat(verbose.err()).contains("dev.artsched.scheduler.ArtException").contains("\tat ");
        CliRun before = CliRun.run("-v", "schedule", "--scheduler", "nope", "--steps", "3");
        assertThat(before.err()).contains("\tat ");
    }

    @Test
    void aPlainCommandLineStillGivesOneLineErrors() {
        CliRun r = CliRun.run(new CommandLine(new ArtCli()), "schedule", "--scheduler", "nope", "--steps", "3");
        assertThat(r.exitCode()).as(r.err() + r.out()).isEqualTo(CliSupport.ERROR);
        assertThat(r.errLines()).as(r.err()).hasSize(1);
        assertThat(r.errLines()[0]).startsWith("art: error: unknown scheduler 'nope' in spec 'nope': expected one of [")
                .contains("edm").contains("uniform");
    }

    @Test
    void messagesAreSingleLineAndExitCodesMapFailureKinds() {
        assertThat(CliSupport.message(new dev.artsched.scheduler.ArtException("a\nb"))).isEqualTo("a b");
        assertThat(CliSupport.message(new java.nio.file.NoSuchFileException("x.onnx"))).isEqualTo("file not found: x.onnx");
        assertThat(CliSupport.message(new IllegalStateException("boom"))).startsWith("unexpected java.lang.IllegalStateException: boom");
        assertThat(CliSupport.exitCode(new dev.artsched.scheduler.ArtException("x"))).isEqualTo(CliSupport.ERROR);
        assertThat(CliSupport.exitCode(new java.io.IOException("x"))).isEqualTo(CliSupport.ERROR);
        assertThat(CliSupport.exitCode(new NullPointerException())).isEqualTo(CliSupport.INTERNAL);
    }
}
