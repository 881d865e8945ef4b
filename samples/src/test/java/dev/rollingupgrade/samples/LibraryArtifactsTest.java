package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What a Maven user of the library gets: a BOM naming every library module, and stable module names. */
class LibraryArtifactsTest {
  static final List<String> LIBRARIES = List.of("upgrade-api", "upgrade-core", "upgrade-testkit", "upgrade-micrometer",
      "upgrade-store-postgres");

  @Test
  void theBomManagesEveryLibraryModule() throws IOException {
    String bom = Files.readString(Path.of("..", "upgrade-bom", "pom.xml"));
    for (String module : LIBRARIES) {
      assertThat(bom).contains("<artifactId>" + module + "</artifactId>");
    }
    assertThat(bom).doesNotContain("<parent>"); // importing it brings no third-party versions
  }

  @Test
  void everyLibraryJarNamesItsModule() throws IOException {
    for (String module : LIBRARIES) {
      Path jar;
      try (Stream<Path> files = Files.list(Path.of("..", module, "target"))) {
        jar = files.filter(p -> p.getFileName().toString().matches(module + "-[^-]+(-SNAPSHOT)?\\.jar")).findFirst()
            .orElseThrow(() -> new AssertionError("no jar of " + module + " was built"));
      }
      try (JarFile file = new JarFile(jar.toFile())) {
        assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name")).as(module)
            .isEqualTo("dev.rollingupgrade." + module.substring("upgrade-".length()).replace('-', '.'));
      }
    }
  }

  @Test
  void everyLibraryShipsItsSourcesAndJavadoc() throws IOException {
    for (String module : LIBRARIES) {
      for (String classifier : List.of("sources", "javadoc")) {
        Path jar;
        try (Stream<Path> files = Files.list(Path.of("..", module, "target"))) {
          jar = files.filter(p -> p.getFileName().toString().endsWith("-" + classifier + ".jar")).findFirst()
              .orElseThrow(() -> new AssertionError("no " + classifier + " jar of " + module + " was built"));
        }
        try (JarFile file = new JarFile(jar.toFile())) {
          String expected = classifier.equals("sources") ? ".java" : ".html";
          assertThat(file.stream().anyMatch(e -> e.getName().startsWith("dev/rollingupgrade/")
              && e.getName().endsWith(expected))).as("%s jar of %s holds %s files", classifier, module, expected)
              .isTrue();
        }
      }
    }
  }

  /**
   * Immutables is compile-time only: the generated classes must not carry its {@code @Generated},
   * or every user's javac warns that the annotation's class file is missing.
   */
  @Test
  void theGeneratedApiClassesCarryNoImmutablesAnnotation() throws IOException {
    Path classes = Path.of("..", "upgrade-api", "target", "classes");
    List<Path> referencing;
    try (Stream<Path> files = Files.walk(classes)) {
      referencing = files.filter(p -> p.toString().endsWith(".class")).filter(p -> {
        try {
          return new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1).contains("org/immutables/value/Generated");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
    assertThat(referencing).as("api classes annotated with org.immutables.value.Generated").isEmpty();
  }
}
