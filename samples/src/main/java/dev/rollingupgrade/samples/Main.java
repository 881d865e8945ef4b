package dev.rollingupgrade.samples;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The samples jar: one subcommand per scenario of the docs. Run
 * {@code java -jar samples/target/upgrade-samples.jar --help} for the list.
 */
@Command(
    name = "upgrade-samples",
    mixinStandardHelpOptions = true,
    version = "upgrade-samples 0.1.0-SNAPSHOT",
    description = "Samples and tools of the rolling upgrade SDK.",
    subcommands = {QuickstartCommand.class, ValidateCommand.class, PlanCommand.class, SimulateCommand.class,
        OsUpdateCommand.class, FleetCommand.class, HaDemoCommand.class, BenchCommand.class, MetricsCommand.class,
        DashboardCommand.class, CommandLine.HelpCommand.class})
public final class Main implements java.util.concurrent.Callable<Integer> {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /**
   * Runs the command line with the given output streams. An unexpected exception is one line on
   * {@code err}, never a stack trace (set the system property {@code upgrade.samples.stackTraces}
   * to {@code true} to see it).
   *
   * @return the exit code: 0 success, 1 problems found, 2 bad usage or unreadable input
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(e -> 2);
    cli.setExecutionExceptionHandler((e, command, parsed) -> {
      command.getErr().println(TerminalText.escape(command.getCommandName() + ": unexpected error: " + e));
      if (Boolean.getBoolean("upgrade.samples.stackTraces")) {
        e.printStackTrace(command.getErr());
      }
      return 2;
    });
    int code;
    try {
      code = cli.execute(args);
    } catch (OutOfMemoryError e) {
      // picocli maps exceptions, not errors: e.g. `simulate --instances 1000000` in a small heap
      err.println("out of memory (this JVM may use " + Runtime.getRuntime().maxMemory() / (1024 * 1024)
          + " MiB): give it more with java -Xmx4g -jar ..., or ask for less");
      code = 2;
    }
    out.flush();
    err.flush();
    return code;
  }

  /** Without a subcommand: the usage on stderr, and exit code 2 (bad usage). */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }
}
