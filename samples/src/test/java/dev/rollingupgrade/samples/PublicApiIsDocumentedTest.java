package dev.rollingupgrade.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ModifiersTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.lang.model.element.Modifier;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public type, constructor, method and field of the library modules has a Javadoc comment
 * (the build's doclint leaves this to us; see the root pom). Sources are parsed, not compiled.
 */
class PublicApiIsDocumentedTest {
  @Test
  void everyPublicElementOfTheLibrariesHasAComment() throws IOException {
    List<Path> sources = new ArrayList<>();
    for (String module : LibraryArtifactsTest.LIBRARIES) {
      try (Stream<Path> files = Files.walk(Path.of("..", module, "src", "main", "java"))) {
        files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("package-info.java")).forEach(sources::add);
      }
    }
    assertThat(sources).hasSizeGreaterThan(50);
    List<String> undocumented = undocumented(sources);
    assertThat(undocumented).as("public elements without a Javadoc comment").isEmpty();
  }

  @Test
  void anUndocumentedPublicMethodIsFound(@TempDir Path dir) throws IOException {
    Path source = dir.resolve("Sample.java");
    Files.writeString(source, """
        /** Documented. */
        public final class Sample {
          /** Documented. */
          public void a() {}
          public void b() {}
          void packagePrivate() {}
          private static final class Hidden { public void c() {} }
          /** Documented. */
          public interface Nested { void implicitlyPublic(); }
          /** Documented. */
          public enum Colour { /** Documented. */ RED, GREEN }
          public Sample() {}
        }
        """);
    assertThat(undocumented(List.of(source))).containsExactly("Sample.java: b", "Sample.java: implicitlyPublic",
        "Sample.java: GREEN", "Sample.java: <init>");
  }

  /** "file: name" of each public element without a comment, in source order. */
  static List<String> undocumented(List<Path> sources) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> missing = new ArrayList<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
      Iterable<? extends JavaFileObject> units = files.getJavaFileObjectsFromPaths(sources);
      JavacTask task = (JavacTask) javac.getTask(null, files, d -> { }, List.of("-proc:none"), null, units);
      DocTrees docs = DocTrees.instance(task);
      for (CompilationUnitTree unit : task.parse()) {
        String file = Path.of(unit.getSourceFile().toUri()).getFileName().toString();
        new TreePathScanner<Void, Boolean>() {
          @Override
          public Void visitClass(ClassTree tree, Boolean visible) {
            boolean shown = visible && isPublic(tree.getModifiers(), getCurrentPath());
            check(tree.getSimpleName().toString(), shown);
            return super.visitClass(tree, shown);
          }

          @Override
          public Void visitMethod(MethodTree tree, Boolean visible) {
            boolean override = tree.getModifiers().getAnnotations().stream()
                .anyMatch(a -> a.getAnnotationType().toString().equals("Override"));
            check(tree.getName().toString(), visible && !override && isPublic(tree.getModifiers(), getCurrentPath()));
            return null; // nothing inside a method body is API
          }

          @Override
          public Void visitVariable(VariableTree tree, Boolean visible) {
            check(tree.getName().toString(), visible && isPublic(tree.getModifiers(), getCurrentPath()));
            return null;
          }

          private void check(String name, boolean shown) {
            if (shown && docs.getDocCommentTree(getCurrentPath()) == null) {
              missing.add(file + ": " + name);
            }
          }
        }.scan(unit, true);
      }
    }
    return missing;
  }

  /** Public by modifier, or a member of an interface (implicitly public). */
  private static boolean isPublic(ModifiersTree modifiers, TreePath path) {
    if (modifiers.getFlags().contains(Modifier.PRIVATE)) {
      return false;
    }
    Tree parent = path.getParentPath().getLeaf();
    boolean inInterface = parent instanceof ClassTree c
        && (c.getKind() == Tree.Kind.INTERFACE || c.getKind() == Tree.Kind.ANNOTATION_TYPE);
    return modifiers.getFlags().contains(Modifier.PUBLIC) || inInterface;
  }
}
