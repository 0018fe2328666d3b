package dev.artsched.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * The {@code art} command line: learned and closed-form timestep schedules for diffusion sampling. Every
 * subcommand is registered in the one {@code subcommands} list below. Errors are one
 * {@code art: error: <message>} line on stderr with a non-zero exit ({@link CliSupport}).
 */
@Command(name = "art", mixinStandardHelpOptions = true, version = "art-scheduler 0.1.0",
        description = "Timestep schedules (Uniform, EDM, learned ART-RL) for diffusion sampling.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {
            ScheduleCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            Paper1dCommand.class,
            dev.artsched.cli.DemoCommand.class,
            CompareCommand.class,
            dev.artsched.cli.SampleCommand.class,
            dev.artsched.cli.ImportCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class ArtCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-v", CliSupport.VERBOSE}, scope = ScopeType.INHERIT,
            description = "Print stack traces of errors (usable after the subcommand too).")
    boolean verbose;

    @Option(names = {"-q", CliSupport.QUIET}, scope = ScopeType.INHERIT,
            description = "No progress bars on stderr (usable after the subcommand too).")
    boolean quiet;

    /** Entry point: exits with the command's exit code. */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        System.exit(commandLine().execute(args));
    }

    /** A {@link CommandLine} for {@code art} with the one-line usage and execution error handlers installed. */
    public static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new ArtCli());
        cmd.setParameterExceptionHandler(new CliSupport.UsageErrorHandler());
        cmd.setExecutionExceptionHandler(new CliSupport.ExecutionErrorHandler());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.registerConverter(java.nio.file.Path.class, new CliSupport.PathConverter());
        return cmd;
    }

    @Override
    public Integer call() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "missing command: expected one of " + String.join(", ", spec.subcommands().keySet()));
    }
}
