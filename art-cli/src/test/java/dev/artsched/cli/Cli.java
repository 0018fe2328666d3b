package dev.artsched.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code art} in-process, capturing stdout, stderr and the exit code. */
record Cli(int code, String out, String err) {

    static Cli run(String... args) {
        CommandLine cmd = ArtCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    JsonNode json() {
        try {
            return CliSupport.json().readTree(out);
        } catch (java.io.IOException e) {
            throw new AssertionError("stdout is not one JSON object: " + out, e);
        }
    }
}
