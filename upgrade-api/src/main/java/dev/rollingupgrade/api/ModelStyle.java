package dev.rollingupgrade.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The one Immutables style shared by every model type of the SDK, applied in each model
 * package's {@code package-info.java}.
 *
 * <p>Generated types are named {@code ImmutableX}; callers use the static {@code builder()}
 * of the public interface and get the interface type back from {@code build()}. Collections
 * are JDK collections ({@code jdkOnly}), copied on build, so a built value never changes.
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.CLASS)
@Value.Style(
    typeImmutable = "Immutable*",
    jdkOnly = true,
    depluralize = true,
    overshadowImplementation = true,
    visibility = Value.Style.ImplementationVisibility.PUBLIC,
    // the generated builder is package-private: users see each type's own public nested Builder,
    // whose Javadoc then lists the setters as its own
    builderVisibility = Value.Style.BuilderVisibility.PACKAGE,
    // apply no annotation found on the class path: users compile without Immutables, and its
    // @org.immutables.value.Generated would make their javac warn that the class is missing
    allowedClasspathAnnotations = {Override.class},
    defaults = @Value.Immutable(copy = true))
public @interface ModelStyle {}
