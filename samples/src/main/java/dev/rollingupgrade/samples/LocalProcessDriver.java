package dev.rollingupgrade.samples;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.PowerState;
import dev.rollingupgrade.api.ProvisioningState;
import dev.rollingupgrade.api.spi.InstanceDriver;
import dev.rollingupgrade.core.plan.NaturalOrder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@link InstanceDriver} over local processes: each instance is a {@link FleetInstance} JVM on
 * loopback, its "image" the version it was started with. An upgrade stops the instance's process
 * and starts the new version on the same port; a restore starts the previous version. The call is
 * done once the new process listens and serves its version ({@code GET /version}); a process that
 * does not (exits, or does not within the start timeout) fails its instance.
 *
 * <p><b>State on disk.</b> Every change is written to {@code instances.properties} in the state
 * directory (pid, start time, port, version, previous version per instance), replaced atomically,
 * and every replace or restore is appended to {@code calls.log}. Another invocation reads them
 * with {@link #adopt} and drives the same processes: that is how {@code fleet --resume} finds the
 * instances a crashed orchestrator left running. A pid is trusted only with its start time, so a
 * recycled pid is never taken for an instance.
 *
 * <p><b>Lifetime.</b> {@link #close()} stops every instance process (SIGTERM, then a forced kill
 * after 5 s) unless {@link #detach()} was called: then they keep running for the next invocation.
 * Blocking process work runs on a few threads of its own. Thread-safe.
 */
final class LocalProcessDriver implements InstanceDriver, AutoCloseable {
  static final String STATE_FILE = "instances.properties";
  static final String CALL_LOG = "calls.log";

  private final Path stateDir;
  private final ImageReference imageBase;
  private final Set<String> brokenOn;
  private final String brokenVersion;
  private final Duration startTimeout;
  private final long idleExitSeconds;
  // blocking process work: stops and starts on a few threads, the wait for a child's first line on its own
  private final ExecutorService work = Executors.newFixedThreadPool(16, LocalProcessDriver::daemon);
  private final ExecutorService readers = Executors.newCachedThreadPool(LocalProcessDriver::daemon);
  private final Map<String, Slot> slots = new TreeMap<>(NaturalOrder.INSTANCE);
  private final Map<String, Duration> lastRestart = new TreeMap<>(NaturalOrder.INSTANCE);
  private final java.util.Set<Long> everyPid = new java.util.TreeSet<>();
  private boolean detached;
  private boolean keepState;
  private int starting;
  private boolean closed;

  /** One instance: its process, where it listens, what it runs and ran before. */
  private static final class Slot {
    ProcessHandle process;
    long startMillis;
    int port;
    String version;
    String previousVersion;
    boolean busy;
  }

  LocalProcessDriver(Path stateDir, ImageReference imageBase, Set<String> brokenOn, String brokenVersion,
      Duration startTimeout, long idleExitSeconds) {
    this.stateDir = stateDir;
    this.imageBase = imageBase;
    this.brokenOn = Set.copyOf(brokenOn);
    this.brokenVersion = brokenVersion;
    this.startTimeout = startTimeout;
    this.idleExitSeconds = idleExitSeconds;
  }

  private static Thread daemon(Runnable task) {
    Thread t = new Thread(task, "local-process-driver");
    t.setDaemon(true);
    return t;
  }

  /** Starts {@code n} instances (ids 0..n-1) at {@code version}, all at once; fails if one does not start. */
  void launch(int n, String version) {
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = String.valueOf(i);
      synchronized (this) {
        Slot s = new Slot();
        s.version = version;
        slots.put(id, s);
      }
      starting.add(CompletableFuture.runAsync(() -> startProcess(id, version, 0), work));
    }
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
    } finally {
      saveState();
    }
  }

  /**
   * Takes over the instances recorded in the state directory by an earlier invocation. Instances
   * whose process is gone are kept, stopped (an upgrade starts them again).
   *
   * @return how many recorded processes are still running
   * @throws UncheckedIOException if the state file cannot be read
   */
  synchronized int adopt() {
    Map<String, String> lines = readState(stateDir);
    int alive = 0;
    for (Map.Entry<String, String> e : lines.entrySet()) {
      String[] f = e.getValue().split(" ");
      Slot s = new Slot();
      s.startMillis = Long.parseLong(f[1]);
      s.port = Integer.parseInt(f[2]);
      s.version = f[3];
      s.previousVersion = f[4].equals("-") ? null : f[4];
      s.process = live(Long.parseLong(f[0]), s.startMillis).orElse(null);
      alive += s.process != null ? 1 : 0;
      if (s.process != null) {
        everyPid.add(s.process.pid());
      }
      slots.put(e.getKey(), s);
    }
    return alive;
  }

  /**
   * Starts again, at its recorded version and on its recorded port, every adopted instance whose
   * process is gone (the command was interrupted and stopped them, as a power cut would): a
   * resumed run finds the fleet up. Not an upgrade: nothing goes to {@code calls.log}.
   *
   * @return how many were started
   * @throws IllegalStateException if one does not start
   */
  int startStopped() {
    List<String> stopped = new ArrayList<>();
    synchronized (this) {
      slots.forEach((id, s) -> {
        if (s.process == null || !s.process.isAlive()) {
          stopped.add(id);
        }
      });
    }
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (String id : stopped) {
      int port;
      String version;
      synchronized (this) {
        port = slots.get(id).port;
        version = slots.get(id).version;
      }
      starting.add(CompletableFuture.runAsync(() -> startProcess(id, version, port), work));
    }
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
    } finally {
      saveState();
    }
    return stopped.size();
  }

  /** The live processes recorded in {@code stateDir} (pid and start time both match); empty without a state file. */
  static List<ProcessHandle> recordedProcesses(Path stateDir) {
    if (!Files.exists(stateDir.resolve(STATE_FILE))) {
      return List.of();
    }
    List<ProcessHandle> found = new ArrayList<>();
    for (String line : readState(stateDir).values()) {
      String[] f = line.split(" ");
      live(Long.parseLong(f[0]), Long.parseLong(f[1])).ifPresent(found::add);
    }
    return found;
  }

  private static Map<String, String> readState(Path stateDir) {
    Map<String, String> lines = new TreeMap<>(NaturalOrder.INSTANCE);
    try {
      for (String line : Files.readAllLines(stateDir.resolve(STATE_FILE), StandardCharsets.UTF_8)) {
        int eq = line.indexOf('=');
        if (line.startsWith("instance.") && eq > 0) {
          lines.put(line.substring("instance.".length(), eq), line.substring(eq + 1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stateDir.resolve(STATE_FILE), e);
    }
    return lines;
  }

  private static Optional<ProcessHandle> live(long pid, long startMillis) {
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().startInstant().map(t -> t.toEpochMilli() == startMillis).orElse(startMillis == 0));
  }

  /** The loopback address instance {@code id} listens on; null when unknown. For the health signal's resolver. */
  synchronized InetSocketAddress address(String id) {
    Slot s = slots.get(id);
    return s == null || s.port == 0 ? null : new InetSocketAddress("127.0.0.1", s.port);
  }

  /** The pids of the instance processes now. */
  synchronized List<Long> pids() {
    return slots.values().stream().filter(s -> s.process != null).map(s -> s.process.pid()).toList();
  }

  /** Every instance pid this driver started or adopted, running or not. */
  synchronized Set<Long> everyPid() {
    return Set.copyOf(everyPid);
  }

  /** Version per instance id, in id order. */
  synchronized Map<String, String> versions() {
    Map<String, String> v = new TreeMap<>(NaturalOrder.INSTANCE);
    slots.forEach((id, s) -> v.put(id, s.version));
    return v;
  }

  /** How long the latest replace or restore of each instance took (stop, start, listening). */
  synchronized Map<String, Duration> restartTimes() {
    return Map.copyOf(lastRestart);
  }

  /** From now on {@link #close()} leaves the processes running (the orchestrator "crashes"). */
  synchronized void detach() {
    detached = true;
  }

  ImageReference image(String version) {
    return ImageReference.platform(imageBase.publisher().orElseThrow(), imageBase.offer().orElseThrow(),
        imageBase.sku().orElseThrow(), version);
  }

  @Override
  public synchronized CompletionStage<List<Instance>> listInstances(String scaleSetName) {
    List<Instance> list = new ArrayList<>();
    slots.keySet().forEach(id -> list.add(instance(id)));
    return CompletableFuture.completedFuture(list);
  }

  @Override
  public synchronized CompletionStage<Instance> getInstance(String scaleSetName, String instanceId) {
    if (!slots.containsKey(instanceId)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("no instance " + instanceId));
    }
    return CompletableFuture.completedFuture(instance(instanceId));
  }

  private Instance instance(String id) {
    Slot s = slots.get(id);
    int n = Integer.parseInt(id);
    boolean running = s.process != null && s.process.isAlive();
    return Instance.builder().instanceId(id).platformUpdateDomain(n % 5).platformFaultDomain(n % 3)
        .appliedImage(image(s.version)).powerState(running ? PowerState.RUNNING : PowerState.STOPPED)
        .provisioningState(s.busy ? ProvisioningState.UPDATING : running ? ProvisioningState.SUCCEEDED
            : ProvisioningState.FAILED).build();
  }

  @Override
  public CompletionStage<Void> replaceOsDisk(String scaleSetName, String instanceId, ImageReference image,
      List<Extension> extensionsInOrder) {
    String version = image.version().orElse("");
    return restart(instanceId, "replace", s -> version);
  }

  @Override
  public CompletionStage<Void> restorePreviousOsDisk(String scaleSetName, String instanceId) {
    return restart(instanceId, "restore", s -> s.previousVersion != null ? s.previousVersion : s.version);
  }

  @Override
  public CompletionStage<Void> setExtensionVersion(String scaleSetName, String instanceId, Extension extension,
      String version) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("the local fleet has no extensions"));
  }

  @Override
  public CompletionStage<Void> applyLatestModel(String scaleSetName, String instanceId) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("the local fleet has no model to apply"));
  }

  private CompletionStage<Void> restart(String id, String what, java.util.function.Function<Slot, String> versionOf) {
    String version;
    synchronized (this) {
      Slot s = slots.get(id);
      if (s == null || closed) {
        return CompletableFuture.failedFuture(new IllegalArgumentException("no instance " + id));
      }
      version = versionOf.apply(s);
      s.busy = true;
    }
    appendCall(what + " " + id + " " + version);
    return CompletableFuture.runAsync(() -> {
      long start = System.nanoTime();
      Slot s;
      synchronized (this) {
        s = slots.get(id);
      }
      String before = s.version;
      stop(s.process);
      synchronized (this) {
        s.process = null;
        if (what.equals("replace")) {
          s.previousVersion = before;
        }
        s.version = version;
      }
      saveState();
      try {
        startProcess(id, version, s.port);
      } finally {
        synchronized (this) {
          s.busy = false;
          lastRestart.put(id, Duration.ofNanos(System.nanoTime() - start));
        }
        saveState();
      }
    }, work);
  }

  /** Starts instance {@code id} at {@code version} on {@code port} (0: any) and waits until it listens. */
  private void startProcess(String id, String version, int port) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx32m", "-Xss256k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
        "-cp", classPath(), FleetInstance.class.getName(), "--id", id, "--version", version, "--port",
        String.valueOf(port), "--idle-exit-seconds", String.valueOf(idleExitSeconds)));
    if (brokenOn.contains(id) && version.equals(brokenVersion)) {
      command.add("--unhealthy");
    }
    Process process;
    synchronized (this) {
      if (closed && !detached) {
        throw new IllegalStateException("the fleet is stopping: instance " + id + " is not started");
      }
      starting++; // close() waits for this start, so that no process escapes it
    }
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(
          stateDir.resolve("instance-" + id + ".log").toFile())).start();
    } catch (IOException e) {
      throw new UncheckedIOException("instance " + id + ": cannot start its process", e);
    } finally {
      synchronized (this) {
        starting--;
        notifyAll();
      }
    }
    synchronized (this) {
      if (closed && !detached) {
        process.destroyForcibly(); // close() ran while it started
        throw new IllegalStateException("the fleet is stopping: instance " + id + " is stopped");
      }
      Slot s = slots.get(id);
      s.process = process.toHandle();
      everyPid.add(process.pid());
      s.startMillis = process.toHandle().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
    }
    CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
      try {
        return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
      } catch (IOException e) {
        return null;
      }
    }, readers);
    String listening;
    try {
      listening = line.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new IllegalStateException("instance " + id + " (" + version + ") did not listen within " + startTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while starting instance " + id);
    } catch (java.util.concurrent.ExecutionException e) {
      listening = null;
    }
    if (listening == null || !listening.startsWith("listening ")) {
      process.destroyForcibly();
      throw new IllegalStateException("instance " + id + " (" + version + ") did not start: "
          + (process.isAlive() ? "it said " + listening : "its process exited") + "; see "
          + stateDir.resolve("instance-" + id + ".log"));
    }
    int listeningOn = Integer.parseInt(listening.substring("listening ".length()).trim());
    synchronized (this) {
      slots.get(id).port = listeningOn;
    }
    String serves = servedVersion(listeningOn);
    if (!version.equals(serves)) {
      process.destroyForcibly();
      throw new IllegalStateException("instance " + id + " listens on port " + listeningOn + " but serves version "
          + serves + ", not " + version);
    }
  }

  /** What {@code GET /version} answers on {@code port}: the start is done once the new version serves. */
  private String servedVersion(int port) {
    try {
      var connection = (java.net.HttpURLConnection) new java.net.URL("http://127.0.0.1:" + port + "/version")
          .openConnection();
      connection.setConnectTimeout((int) startTimeout.toMillis());
      connection.setReadTimeout((int) startTimeout.toMillis());
      try (var in = connection.getInputStream()) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return "nothing (" + e + ")";
    }
  }

  private static String classPath() {
    try {
      return Path.of(FleetInstance.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException | RuntimeException e) {
      return System.getProperty("java.class.path");
    }
  }

  private static void stop(ProcessHandle process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      process.onExit().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      try {
        process.onExit().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // the OS takes it down in its own time
      }
    }
  }

  private synchronized void saveState() {
    StringBuilder b = new StringBuilder("# fleet sample: one line per instance: pid startMillis port version previous\n");
    slots.forEach((id, s) -> b.append("instance.").append(id).append('=')
        .append(s.process == null ? 0 : s.process.pid()).append(' ').append(s.startMillis).append(' ').append(s.port)
        .append(' ').append(s.version).append(' ').append(s.previousVersion == null ? "-" : s.previousVersion)
        .append('\n'));
    try {
      Path tmp = stateDir.resolve(STATE_FILE + ".tmp");
      Files.writeString(tmp, b, StandardCharsets.UTF_8);
      Files.move(tmp, stateDir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + stateDir.resolve(STATE_FILE), e);
    }
  }

  private void appendCall(String line) {
    try {
      Files.writeString(stateDir.resolve(CALL_LOG), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + stateDir.resolve(CALL_LOG), e);
    }
  }

  /**
   * Stops every instance process, as {@link #close()}, but keeps the state file: the command was
   * interrupted and {@code --resume} can finish its run (starting the instances again). For the
   * shutdown hook.
   */
  void stopForResume() {
    synchronized (this) {
      keepState = true;
    }
    close();
  }

  /**
   * Stops every instance process (unless {@link #detach detached}) and forgets the state file
   * (unless {@link #stopForResume}); idempotent. Safe from a shutdown hook.
   */
  @Override
  public void close() {
    List<ProcessHandle> running;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (starting > 0 && System.nanoTime() < until) {
        try {
          wait(100); // a process being started is in slots once its start returns
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (detached) {
        work.shutdownNow();
        readers.shutdownNow();
        return;
      }
      running = slots.values().stream().map(s -> s.process).filter(p -> p != null).toList();
    }
    running.forEach(ProcessHandle::destroy);
    running.forEach(LocalProcessDriver::stop);
    work.shutdownNow();
    readers.shutdownNow();
    synchronized (this) {
      if (keepState) {
        return; // the pids in it are gone; --resume starts the instances again
      }
    }
    try {
      Files.deleteIfExists(stateDir.resolve(STATE_FILE));
    } catch (IOException e) {
      // the processes are gone; a stale file is ignored by the next run (its pids are not alive)
    }
  }
}
