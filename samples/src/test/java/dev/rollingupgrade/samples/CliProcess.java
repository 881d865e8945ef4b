package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

/**
 * The command line run as a user runs it, in a JVM of its own ({@code java -cp ... Main args}):
 * for what only a fresh JVM shows (SLF4J's start-up line, {@code java.io.tmpdir}, which the JDK
 * reads once per JVM).
 */
final class CliProcess {
  /** What a run printed and its exit code. */
  record Result(int exitCode, String out, String err) {}

  private CliProcess() {}

  /** Runs {@code Main} with {@code jvmOptions} and {@code args}; {@code leaveOut} drops class path entries containing it. */
  static Result run(Path work, List<String> jvmOptions, String leaveOut, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", classPath(leaveOut), Main.class.getName()));
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(work, "out", ".txt");
      Path err = Files.createTempFile(work, "err", ".txt");
      Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      // a bound against a hung child, not a timing: these runs take a second or two
      assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("the command ended").isTrue();
      return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts {@code Main} with {@code args} in a JVM of its own, stderr into stdout, for a command that keeps running. */
  static Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classPath(null), Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true).start();
  }

  /** This JVM's class path, a manifest-only jar (as Surefire starts tests) expanded into its entries. */
  private static String classPath(String leaveOut) {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      entries.add(entry);
      if (entry.endsWith(".jar")) {
        try (JarFile jar = new JarFile(entry)) {
          Manifest manifest = jar.getManifest();
          String listed = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
          if (listed != null && !listed.isBlank()) {
            URI base = Path.of(entry).toAbsolutePath().toUri();
            for (String item : listed.trim().split("\\s+")) {
              entries.add(Path.of(base.resolve(item)).toString());
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return entries.stream().filter(e -> leaveOut == null || !e.contains(leaveOut))
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }
}
