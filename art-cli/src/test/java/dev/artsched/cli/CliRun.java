package dev.artsched.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code art} command line with captured stdout and stderr. */
record CliRun(int exitCode, String out, String err) {

    /** Runs with {@link ArtCli#commandLine()} (the configuration {@code main} uses). */
    static CliRun run(String... args) {
        return run(ArtCli.commandLine(), args);
    }

    /** Runs with a given command line object. */
    static CliRun run(CommandLine cmd, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Non-empty stderr lines. */
    String[] errLines() {
        return err.isBlank() ? new String[0] : err.strip().split("\\R");
    }

    /** stdout parsed as exactly one JSON document. */
    JsonNode json() {
        try {
            ObjectMapper m = new ObjectMapper();
            JsonNode node = m.readTree(out);
            if (out.strip().split("\\R").length != 1) {
                throw new AssertionError("expected one line of JSON on stdout, found: " + out);
            }
            return node;
        } catch (java.io.IOException e) {
            throw new AssertionError("stdout is not JSON: " + out, e);
        }
    }
}
