package dev.rollingupgrade.samples;

import dev.rollingupgrade.samples.dashboard.DashboardServer;
import dev.rollingupgrade.samples.dashboard.DemoBackend;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dashboard}: serves the web dashboard (a live heat map of a scale set, its run, and the
 * actions of a {@code Manual} set) until the process is stopped. For now only the simulated
 * {@code --demo} fleet is available. Binds to loopback unless {@code --bind} says otherwise; the
 * dashboard has no authentication.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Serve the web dashboard: a live heat map (one row per update domain), the run's status, and "
        + "buttons to upgrade an update domain or chosen instances, start a rolling upgrade and cancel. Stop it with "
        + "Ctrl-C.")
final class DashboardCommand implements Callable<Integer> {
  @Spec
  private CommandSpec spec;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8080",
      description = "TCP port, 0 for a free one (default: ${DEFAULT-VALUE}); the URL is printed")
  private int port;

  @Option(names = "--demo", description = "drive a simulated Manual scale set of 20 instances (2 zones x 5 update "
      + "domains) on a clock faster than real time; required for now")
  private boolean demo;

  @Option(names = "--speed", paramLabel = "X", defaultValue = "20",
      description = "--demo: how many times faster than real time the simulated clock runs, 1..10000 "
          + "(default: ${DEFAULT-VALUE}: a rolling upgrade of the demo set takes about a minute)")
  private double speed;

  @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "address to listen on (default: ${DEFAULT-VALUE}); the dashboard has no authentication, so "
          + "anything but loopback lets whoever reaches it upgrade the scale set")
  private String bind;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!demo) {
      err.println("dashboard: needs --demo for now (a simulated scale set); a dashboard of a real scale set "
          + "comes with the SDK's Manual mode service");
      return 2;
    }
    if (port < 0 || port > 65535) {
      err.println("dashboard: --port must be between 0 and 65535 (got " + port + ")");
      return 2;
    }
    if (!(speed >= 1 && speed <= 10_000)) {
      err.println("dashboard: --speed must be between 1 and 10000 (got " + speed + ")");
      return 2;
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(bind);
    } catch (UnknownHostException e) {
      err.println(TerminalText.escape("dashboard: --bind " + bind + " is not an address of this host"));
      return 2;
    }
    DemoBackend backend = DemoBackend.create();
    DashboardServer server;
    try {
      server = DashboardServer.start(backend, address, port);
    } catch (IOException e) {
      err.println(TerminalText.escape("dashboard: cannot listen on " + bind + ":" + port + ": " + e.getMessage()));
      return 2;
    }
    backend.startClock(speed);
    if (!address.isLoopbackAddress()) {
      err.println(TerminalText.escape("dashboard: WARNING: listening on " + bind + " without authentication: "
          + "whoever reaches it can start and cancel upgrades"));
    }
    out.println("dashboard: " + server.uri() + " (demo scale set web, clock x" + fmt(speed) + "; Ctrl-C stops)");
    out.flush();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      backend.close();
    }, "dashboard-shutdown"));
    new CountDownLatch(1).await(); // serve until the process is stopped
    return 0;
  }

  private static String fmt(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }
}
