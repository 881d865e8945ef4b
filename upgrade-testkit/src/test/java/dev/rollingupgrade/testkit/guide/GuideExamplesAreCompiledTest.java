package dev.rollingupgrade.testkit.guide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java example of docs/testkit.md is code of this module's tests (the classes of this
 * package, mostly), line by line: an example that no longer compiles or no longer passes fails
 * the build, and one edited in the guide alone fails here.
 */
class GuideExamplesAreCompiledTest {
  private static final Path GUIDE = Path.of("..", "docs", "testkit.md");
  private static final Path TESTS = Path.of("src", "test", "java");

  @Test
  void everyJavaBlockOfTheGuideIsInATest() throws IOException {
    List<List<String>> blocks = javaBlocks(Files.readAllLines(GUIDE));
    List<List<String>> sources;
    try (Stream<Path> files = Files.walk(TESTS)) {
      sources = files.filter(f -> f.toString().endsWith(".java")).sorted().map(GuideExamplesAreCompiledTest::lines).toList();
    }
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(5);
    for (List<String> block : blocks) {
      assertThat(sources).as("a test holding this example of docs/testkit.md:%n%s", String.join("\n", block))
          .anyMatch(source -> Collections.indexOfSubList(source, block) >= 0);
    }
  }

  private static List<List<String>> javaBlocks(List<String> guide) {
    List<List<String>> blocks = new ArrayList<>();
    List<String> block = null;
    for (String line : guide) {
      if (block == null && line.strip().equals("```java")) {
        block = new ArrayList<>();
      } else if (block != null && line.strip().equals("```")) {
        blocks.add(block);
        block = null;
      } else if (block != null) {
        block.add(line.strip());
      }
    }
    return blocks;
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file).stream().map(String::strip).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
