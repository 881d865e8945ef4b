package dev.rollingupgrade.testkit.product;

import com.sun.net.httpserver.HttpServer;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.core.health.ApplicationHealthSettings;
import dev.rollingupgrade.core.health.ApplicationHealthSignal;
import dev.rollingupgrade.core.health.InstanceAddressResolver;
import dev.rollingupgrade.core.time.SystemScheduler;
import dev.rollingupgrade.testkit.contract.HealthSignalContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/** The built-in application health signal passes the health signal contract against a real loopback endpoint. */
class ApplicationHealthSignalObeysTheHealthContractTest extends HealthSignalContract {
  private final SystemScheduler scheduler = SystemScheduler.withThreads(2);
  private HttpServer server;
  private ApplicationHealthSignal signal;

  @Override
  protected HealthSignal signal() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/health", exchange -> {
      byte[] body = "{\"ApplicationHealthState\": \"Healthy\"}".getBytes();
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    // the resolver knows instance 0 only: any other instance id is unknown
    signal = ApplicationHealthSignal.builder(ApplicationHealthSettings.http(server.getAddress().getPort(), "/health"))
        .resolver(InstanceAddressResolver.hosts(Map.of("0", "127.0.0.1")::get)).scheduler(scheduler).build();
    return signal;
  }

  @AfterEach
  void close() {
    if (signal != null) {
      signal.close();
    }
    if (server != null) {
      server.stop(0);
    }
    scheduler.close();
  }

  @Override
  protected String scaleSetName() {
    return "web";
  }

  @Override
  protected String instanceId() {
    return "0";
  }
}
