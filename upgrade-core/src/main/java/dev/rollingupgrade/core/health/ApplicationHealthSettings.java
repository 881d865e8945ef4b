package dev.rollingupgrade.core.health;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.ScaleSet;
import dev.rollingupgrade.api.validation.Violations;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the application health extension probes an instance: the {@code settings} of an Azure
 * {@code ApplicationHealthLinux} / {@code ApplicationHealthWindows} extension.
 *
 * <table>
 * <caption>Settings and defaults</caption>
 * <tr><th>setting</th><th>values</th><th>default</th></tr>
 * <tr><td>{@code protocol}</td><td>{@code http}, {@code https}, {@code tcp}</td><td>required</td></tr>
 * <tr><td>{@code port}</td><td>1..65535</td><td>80 (http), 443 (https); required for tcp</td></tr>
 * <tr><td>{@code requestPath}</td><td>a path such as {@code /health}: starts with {@code /}, no spaces,
 * control characters or {@code #}</td><td>required for http(s); none for tcp</td></tr>
 * <tr><td>{@code intervalInSeconds}</td><td>more than 0, at most 60</td><td>5</td></tr>
 * <tr><td>{@code numberOfProbes}</td><td>1..24</td><td>1</td></tr>
 * <tr><td>{@code gracePeriod} (seconds)</td><td>0..14400</td><td>{@code intervalInSeconds x numberOfProbes}</td></tr>
 * </table>
 *
 * <p>Azure takes whole seconds; the SDK also reads fractions ({@code "intervalInSeconds": 0.2}) so
 * that local fleets and tests can probe in sub-second steps. Invalid settings fail together in one
 * {@link dev.rollingupgrade.api.validation.InvalidModelException}, each under its path
 * ({@code settings.port}). Immutable and thread-safe.
 */
public final class ApplicationHealthSettings {
  /** How a probe reaches the application. */
  public enum Protocol {
    /** An HTTP {@code GET} of the request path. */
    HTTP,
    /** An HTTPS {@code GET} of the request path. */
    HTTPS,
    /** A TCP connection to the port. */
    TCP;

    /** The setting's spelling: {@code http}, {@code https} or {@code tcp}. */
    public String azureName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  static final Duration MAX_INTERVAL = Duration.ofSeconds(60);
  static final Duration MAX_GRACE = Duration.ofSeconds(14_400);
  static final int MAX_PROBES = 24;

  private final Protocol protocol;
  private final int port;
  private final Optional<String> requestPath;
  private final Duration interval;
  private final int numberOfProbes;
  private final Optional<Duration> gracePeriod;

  private ApplicationHealthSettings(Protocol protocol, int port, Optional<String> requestPath, Duration interval,
      int numberOfProbes, Optional<Duration> gracePeriod) {
    this.protocol = protocol;
    this.port = port;
    this.requestPath = requestPath;
    this.interval = interval;
    this.numberOfProbes = numberOfProbes;
    this.gracePeriod = gracePeriod;
    Violations v = Violations.of("ApplicationHealthSettings");
    v.range("settings.port", port, 1, 65_535);
    if (protocol == Protocol.TCP && requestPath.isPresent()) {
      v.add("settings.requestPath", '"' + requestPath.get() + '"', "is for http and https; a tcp probe only connects");
    }
    if (protocol != Protocol.TCP && requestPath.map(String::isBlank).orElse(true)) {
      v.add("settings.requestPath", requestPath.map(p -> '"' + p + '"').orElse("null"),
          "is required for " + protocol.azureName() + ", e.g. \"/health\"");
    } else if (protocol != Protocol.TCP && !isRequestPath(requestPath.get())) {
      v.add("settings.requestPath", '"' + ProbeVerdict.excerpt(requestPath.get()) + '"',
          "must be a path starting with '/' (a query may follow), without spaces, control characters or '#'");
    }
    if (interval.isNegative() || interval.isZero() || interval.compareTo(MAX_INTERVAL) > 0) {
      v.add("settings.intervalInSeconds", seconds(interval), "must be more than 0 and at most 60 seconds");
    }
    v.range("settings.numberOfProbes", numberOfProbes, 1, MAX_PROBES);
    gracePeriod.ifPresent(g -> {
      if (g.isNegative() || g.compareTo(MAX_GRACE) > 0) {
        v.add("settings.gracePeriod", seconds(g), "must be between 0 and 14400 seconds");
      }
    });
    v.throwIfAny();
  }

  /**
   * HTTP probes of {@code requestPath} on {@code port}, every 5 s, one result changing the state.
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException if the port or path is invalid
   */
  public static ApplicationHealthSettings http(int port, String requestPath) {
    return new ApplicationHealthSettings(Protocol.HTTP, port, Optional.ofNullable(requestPath), Duration.ofSeconds(5),
        1, Optional.empty());
  }

  /** Like {@link #http} over TLS. */
  public static ApplicationHealthSettings https(int port, String requestPath) {
    return new ApplicationHealthSettings(Protocol.HTTPS, port, Optional.ofNullable(requestPath), Duration.ofSeconds(5),
        1, Optional.empty());
  }

  /** TCP probes (a connection that opens is healthy) on {@code port}, every 5 s. */
  public static ApplicationHealthSettings tcp(int port) {
    return new ApplicationHealthSettings(Protocol.TCP, port, Optional.empty(), Duration.ofSeconds(5), 1,
        Optional.empty());
  }

  /**
   * The settings of the scale set's application health extension; empty when the model has none
   * (then the default rule of {@link PlatformHealthSignal} applies).
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException if its settings are invalid
   */
  public static Optional<ApplicationHealthSettings> of(ScaleSet scaleSet) {
    List<Extension> found = scaleSet.virtualMachineProfile().extensionProfile().healthExtensions();
    return found.isEmpty() ? Optional.empty() : Optional.of(of(found.get(0)));
  }

  /**
   * The settings of an application health extension.
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException if they are invalid
   */
  public static ApplicationHealthSettings of(Extension extension) {
    return fromSettings(extension.settings());
  }

  /**
   * Reads an extension's {@code settings} object (names as Azure spells them).
   *
   * @throws dev.rollingupgrade.api.validation.InvalidModelException if they are invalid, listing every problem
   */
  public static ApplicationHealthSettings fromSettings(Map<String, Object> settings) {
    Violations v = Violations.of("ApplicationHealthSettings");
    Object p = settings.get("protocol");
    Protocol protocol = null;
    if (p instanceof String s) {
      for (Protocol candidate : Protocol.values()) {
        if (candidate.azureName().equalsIgnoreCase(s.trim())) {
          protocol = candidate;
        }
      }
    }
    if (protocol == null) {
      v.add("settings.protocol", p instanceof String ? '"' + (String) p + '"' : String.valueOf(p),
          "must be http, https or tcp");
    }
    Integer port = whole(v, settings, "port");
    if (port == null && protocol == Protocol.TCP && !settings.containsKey("port")) {
      v.add("settings.port", "null", "is required for tcp");
    }
    Object path = settings.get("requestPath");
    if (path != null && !(path instanceof String)) {
      v.add("settings.requestPath", path, "must be a string such as \"/health\"");
    }
    Duration interval = duration(v, settings, "intervalInSeconds");
    Integer probes = whole(v, settings, "numberOfProbes");
    Duration grace = duration(v, settings, "gracePeriod");
    v.throwIfAny();
    int portOrDefault = port != null ? port : protocol == Protocol.HTTPS ? 443 : 80;
    return new ApplicationHealthSettings(protocol, portOrDefault, Optional.ofNullable((String) path),
        interval != null ? interval : Duration.ofSeconds(5), probes != null ? probes : 1, Optional.ofNullable(grace));
  }

  /** A path (and query) for {@code GET}: starts with '/', no whitespace, control character or fragment, valid in a URI. */
  static boolean isRequestPath(String path) {
    if (!path.startsWith("/") || path.indexOf('#') >= 0
        || path.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      return false;
    }
    try {
      java.net.URI uri = new java.net.URI("http://host" + path);
      return uri.getRawPath() != null && uri.getRawPath().startsWith("/");
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }

  private static Integer whole(Violations v, Map<String, Object> settings, String name) {
    Object value = settings.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n && Double.isFinite(n.doubleValue()) && new BigDecimal(n.toString()).stripTrailingZeros().scale() <= 0
        && n.doubleValue() >= Integer.MIN_VALUE && n.doubleValue() <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    v.add("settings." + name, value, "must be a whole number");
    return null;
  }

  private static Duration duration(Violations v, Map<String, Object> settings, String name) {
    Object value = settings.get(name);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n && Double.isFinite(n.doubleValue()) && Math.abs(n.doubleValue()) < 1e9) {
      return Duration.ofNanos(Math.round(n.doubleValue() * 1e9)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }
    v.add("settings." + name, value, "must be a number of seconds");
    return null;
  }

  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
  }

  /** The same settings probing every {@code interval} (the SDK allows sub-second intervals). */
  public ApplicationHealthSettings withInterval(Duration interval) {
    return new ApplicationHealthSettings(protocol, port, requestPath, Objects.requireNonNull(interval, "interval"),
        numberOfProbes, gracePeriod);
  }

  /** The same settings with {@code n} consecutive results needed to change the state. */
  public ApplicationHealthSettings withNumberOfProbes(int n) {
    return new ApplicationHealthSettings(protocol, port, requestPath, interval, n, gracePeriod);
  }

  /** The same settings with this grace period after an upgrade. */
  public ApplicationHealthSettings withGracePeriod(Duration grace) {
    return new ApplicationHealthSettings(protocol, port, requestPath, interval, numberOfProbes,
        Optional.of(Objects.requireNonNull(grace, "grace")));
  }

  /** How probes reach the application. */
  public Protocol protocol() {
    return protocol;
  }

  /** The port probed (before the {@link InstanceAddressResolver} maps it). */
  public int port() {
    return port;
  }

  /** The path an HTTP(S) probe asks for; empty for TCP. */
  public Optional<String> requestPath() {
    return requestPath;
  }

  /** Time between two probes of an instance. */
  public Duration interval() {
    return interval;
  }

  /** Consecutive equal results needed to change an instance's state. */
  public int numberOfProbes() {
    return numberOfProbes;
  }

  /** How long an instance reads {@code INITIALIZING} after an upgrade; {@code interval x numberOfProbes} unless set. */
  public Duration gracePeriod() {
    return gracePeriod.orElse(interval.multipliedBy(numberOfProbes));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApplicationHealthSettings s && s.protocol == protocol && s.port == port
        && s.requestPath.equals(requestPath) && s.interval.equals(interval) && s.numberOfProbes == numberOfProbes
        && s.gracePeriod().equals(gracePeriod());
  }

  @Override
  public int hashCode() {
    return Objects.hash(protocol, port, requestPath, interval, numberOfProbes, gracePeriod());
  }

  @Override
  public String toString() {
    return "ApplicationHealthSettings{protocol=" + protocol.azureName() + ", port=" + port
        + requestPath.map(p -> ", requestPath=" + p).orElse("") + ", interval=" + interval + ", numberOfProbes="
        + numberOfProbes + ", gracePeriod=" + gracePeriod() + "}";
  }
}
