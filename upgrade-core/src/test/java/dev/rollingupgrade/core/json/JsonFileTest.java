package dev.rollingupgrade.core.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review of issue 17: the library's own file reading had the CLI's old bugs (bare names, OOM, NPE). */
class JsonFileTest {
  @TempDir
  Path dir;

  @Test
  void aMissingFileSaysSoInWordsNotItsNameTwice() {
    Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> AzureJson.readScaleSet(missing)).isInstanceOf(JsonFile.Unreadable.class)
        .hasMessage("cannot read " + missing + ": no such file");
  }

  @Test
  void anEndlessOrHugeFileIsRefusedBeforeItFillsTheHeap() throws IOException {
    Path huge = dir.resolve("huge.json");
    try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
      f.setLength(JsonFile.MAX_BYTES + 1L); // sparse: no disk used
    }
    assertThatThrownBy(() -> AzureJson.readScaleSet(huge)).isInstanceOf(JsonFile.Unreadable.class)
        .hasMessageContaining("larger than 64 MiB");
  }

  @Test
  void aNullPathIsNamed() {
    assertThatThrownBy(() -> AzureJson.readScaleSet((Path) null)).isInstanceOf(NullPointerException.class)
        .hasMessage("file");
  }

  @Test
  void aByteOrderMarkIsSkippedAndUtf16WithOneIsRead() throws IOException {
    String json = "{\"name\":\"s\",\"location\":\"l\",\"properties\":{\"virtualMachineProfile\":{\"storageProfile\":"
        + "{\"imageReference\":{\"publisher\":\"p\",\"offer\":\"o\",\"sku\":\"k\",\"version\":\"1.0.0\"}}}}}";
    Path bom = Files.write(dir.resolve("bom.json"), ("\uFEFF" + json).getBytes(StandardCharsets.UTF_8));
    Path utf16 = Files.write(dir.resolve("utf16.json"), ("\uFEFF" + json).getBytes(StandardCharsets.UTF_16LE));
    assertThat(AzureJson.readScaleSet(bom).name()).isEqualTo("s");
    assertThat(AzureJson.readScaleSet(utf16).name()).isEqualTo("s");
  }

  @Test
  void permissionDeniedIsSaidInWords() {
    // the JDK's AccessDeniedException carries only the file name as its message
    assertThat(JsonFile.why(new AccessDeniedException("/etc/shadow"))).isEqualTo("permission denied");
  }
}
