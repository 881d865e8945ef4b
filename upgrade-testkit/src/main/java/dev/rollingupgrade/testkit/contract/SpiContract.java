package dev.rollingupgrade.testkit.contract;

import dev.rollingupgrade.testkit.time.VirtualScheduler;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What both SPI contracts ({@link InstanceDriverContract}, {@link HealthSignalContract}) share: the
 * two hooks you may override, {@link #settle()} and {@link #stageTimeout()}. Each check calls an
 * SPI method, which must return a stage, then settles and waits for the stage in real time.
 *
 * <p>On virtual time there is nothing to override when the object under test holds the testkit's
 * {@link VirtualScheduler} — directly, like {@code FakeFleet} and {@code FakeCloud}, or through
 * the objects it holds (fields, collections, maps; up to four steps away): the default
 * {@link #settle()} finds that clock and runs it until idle. Override {@link #settle()} when the
 * clock is out of reach (say, only your test holds it) or when something on it runs for ever.
 *
 * <p>Not extended directly: extend one of the two contracts. A fresh instance per test method, as
 * JUnit 5 makes by default; not thread-safe.
 */
public abstract class SpiContract {
  private static final int MAX_DEPTH = 4;
  private static final int MAX_OBJECTS = 10_000;
  private static final long MAX_TASKS = 1_000_000L;

  private Object subject;
  private List<VirtualScheduler> clocks = List.of();

  SpiContract() {}

  /**
   * Lets pending work finish before a stage is awaited. The default moves the virtual clocks the
   * object under test holds (see the class comment) until nothing is due on them, and does
   * nothing for an implementation on real time. Override it when your implementation runs on a
   * virtual clock it does not hold, e.g. {@code myClock.runUntilIdle()}.
   *
   * @throws AssertionError when a clock it moves is still busy after 1,000,000 tasks (something on
   *     it runs for ever: override this method to move the clock only as far as the checks need)
   */
  protected void settle() {
    boolean ran = true;
    while (ran) { // a task on one clock may schedule work on another
      ran = false;
      for (VirtualScheduler clock : clocks) {
        try {
          ran |= clock.runUntilIdle(MAX_TASKS) > 0;
        } catch (IllegalStateException e) {
          throw new AssertionError("the virtual clock of " + subject.getClass().getName() + " is still busy after "
              + MAX_TASKS + " tasks (something on it runs for ever): override settle() to move it only as far as "
              + "the checks need, e.g. clock.advanceBy(Duration.ofMinutes(10))", e);
        }
      }
    }
  }

  /**
   * How long to wait, in real time, for one stage once {@link #settle()} ran; default 30 seconds.
   * A stage that waits on virtual time nobody moves never completes, so every check fails only
   * after this long: override {@link #settle()} rather than this.
   */
  protected Duration stageTimeout() {
    return Duration.ofSeconds(30);
  }

  /** Records the object a check runs against (the default {@link #settle()} looks for its clocks); returns it. */
  <T> T underTest(T object) {
    if (object != subject) {
      subject = object;
      clocks = object == null ? List.of() : virtualClocksOf(object);
    }
    return object;
  }

  /** Calls {@code call}; it must return a stage, not throw. */
  <T> CompletionStage<T> returnsStage(String what, Supplier<CompletionStage<T>> call) {
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      throw new AssertionError(what + " threw " + e + " instead of returning a stage: report failures by "
          + "completing the stage exceptionally", e);
    }
    if (stage == null) {
      throw new AssertionError(what + " returned null instead of a CompletionStage");
    }
    return stage;
  }

  /** The stage's value; fails the test if it failed or did not complete. */
  <T> T value(String what, CompletionStage<T> stage) {
    settle();
    try {
      return stage.toCompletableFuture().get(stageTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(what + " completed exceptionally: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not complete within " + stageTimeout() + " of real time" + hint());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
  }

  /** The stage must complete exceptionally. */
  void fails(String what, CompletionStage<?> stage) {
    settle();
    try {
      stage.toCompletableFuture().get(stageTimeout().toMillis(), TimeUnit.MILLISECONDS);
      throw new AssertionError(what + " completed normally; expected it to complete exceptionally");
    } catch (ExecutionException expected) {
      // the failure is reported through the stage, as the SDK expects
    } catch (TimeoutException e) {
      throw new AssertionError(what + " did not complete within " + stageTimeout() + " of real time; expected a "
          + "failed stage" + hint());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, e);
    }
  }

  private String hint() {
    return clocks.isEmpty()
        ? ". If it runs on virtual time, override settle() to move that clock: the contract found no "
            + "VirtualScheduler in the object under test to move by itself"
        : "";
  }

  /**
   * The virtual clocks reachable from {@code root} through fields (of classes outside the JDK),
   * collections, maps, arrays and optionals, at most four steps away.
   */
  static List<VirtualScheduler> virtualClocksOf(Object root) {
    List<VirtualScheduler> found = new ArrayList<>();
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Reached> queue = new ArrayDeque<>();
    queue.add(new Reached(root, 0));
    seen.add(root);
    while (!queue.isEmpty() && seen.size() < MAX_OBJECTS) {
      Reached next = queue.poll();
      if (next.object() instanceof VirtualScheduler clock) {
        found.add(clock);
      } else if (next.depth() < MAX_DEPTH) {
        for (Object child : children(next.object())) {
          if (child != null && seen.add(child)) {
            queue.add(new Reached(child, next.depth() + 1));
          }
        }
      }
    }
    return List.copyOf(found);
  }

  private static List<Object> children(Object object) {
    List<Object> children = new ArrayList<>();
    try {
      if (object instanceof Object[] array) {
        Collections.addAll(children, array);
      } else if (object instanceof Collection<?> collection) {
        children.addAll(collection);
      } else if (object instanceof Map<?, ?> map) {
        children.addAll(map.values());
      } else if (object instanceof Optional<?> optional) {
        optional.ifPresent(children::add);
      } else {
        for (Class<?> c = object.getClass(); c != null && !isJdk(c); c = c.getSuperclass()) {
          for (Field field : c.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && !field.getType().isPrimitive() && field.trySetAccessible()) {
              children.add(field.get(object));
            }
          }
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // out of reach (a module that does not open it, a collection changing under us): look elsewhere
    }
    return children;
  }

  private record Reached(Object object, int depth) {}

  private static boolean isJdk(Class<?> c) {
    String name = c.getName();
    return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.")
        || name.startsWith("com.sun.");
  }
}
