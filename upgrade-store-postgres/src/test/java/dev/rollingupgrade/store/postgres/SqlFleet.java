package dev.rollingupgrade.store.postgres;

import dev.rollingupgrade.api.Extension;
import dev.rollingupgrade.api.HealthState;
import dev.rollingupgrade.api.ImageReference;
import dev.rollingupgrade.api.Instance;
import dev.rollingupgrade.api.spi.HealthSignal;
import dev.rollingupgrade.api.spi.InstanceDriver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.sql.DataSource;

/**
 * A fleet that lives in the database, so that replicas in different JVMs drive the same machines:
 * each instance's image and how often it was upgraded. Answers at once; every instance is healthy.
 */
final class SqlFleet implements InstanceDriver, HealthSignal {
  private final DataSource db;

  SqlFleet(DataSource db) {
    this.db = db;
  }

  /** Creates {@code n} instances on {@code image}, in 2 zones and 5 update domains. */
  static void create(DataSource db, int n, ImageReference image) {
    TestDatabase.execute(db, "CREATE TABLE test_fleet (id int PRIMARY KEY, zone text, ud int, image text, upgrades int)");
    TestDatabase.execute(db, "INSERT INTO test_fleet SELECT i, (i % 2 + 1)::text, (i / 2) % 5, '" + image.version().orElseThrow()
        + "', 0 FROM generate_series(0, " + (n - 1) + ") AS i");
  }

  /** Upgrade calls per instance id. */
  Map<String, Integer> upgrades() {
    Map<String, Integer> upgrades = new TreeMap<>();
    query("SELECT id, upgrades FROM test_fleet ORDER BY id", r -> upgrades.put(r.getString(1), r.getInt(2)));
    return upgrades;
  }

  private interface Row {
    void read(ResultSet r) throws SQLException;
  }

  private void query(String sql, Row row, Object... args) {
    try (Connection c = db.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      if (sql.startsWith("SELECT")) {
        try (ResultSet r = s.executeQuery()) {
          while (r.next()) {
            row.read(r);
          }
        }
      } else {
        s.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Instance instance(ResultSet r) throws SQLException {
    return Instance.builder().instanceId(r.getString(1)).zone(r.getString(2)).platformUpdateDomain(r.getInt(3))
        .appliedImage(Replicas.OLD.version().orElseThrow().equals(r.getString(4)) ? Replicas.OLD : Replicas.NEW).build();
  }

  @Override
  public CompletionStage<List<Instance>> listInstances(String scaleSetName) {
    List<Instance> all = new ArrayList<>();
    query("SELECT id, zone, ud, image FROM test_fleet ORDER BY id", r -> all.add(instance(r)));
    return CompletableFuture.completedFuture(all);
  }

  @Override
  public CompletionStage<Instance> getInstance(String scaleSetName, String instanceId) {
    List<Instance> one = new ArrayList<>();
    query("SELECT id, zone, ud, image FROM test_fleet WHERE id = ?", r -> one.add(instance(r)),
        Integer.parseInt(instanceId));
    return CompletableFuture.completedFuture(one.get(0));
  }

  @Override
  public CompletionStage<Void> replaceOsDisk(String scaleSetName, String instanceId, ImageReference image,
      List<Extension> extensions) {
    query("UPDATE test_fleet SET image = ?, upgrades = upgrades + 1 WHERE id = ?", r -> { }, image.version().orElseThrow(),
        Integer.parseInt(instanceId));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> restorePreviousOsDisk(String scaleSetName, String instanceId) {
    query("UPDATE test_fleet SET image = ? WHERE id = ?", r -> { }, Replicas.OLD.version().orElseThrow(),
        Integer.parseInt(instanceId));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> setExtensionVersion(String scaleSetName, String instanceId, Extension extension,
      String version) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("no extensions here"));
  }

  @Override
  public CompletionStage<Void> applyLatestModel(String scaleSetName, String instanceId) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("no model runs here"));
  }

  @Override
  public CompletionStage<HealthState> health(String scaleSetName, String instanceId) {
    return CompletableFuture.completedFuture(HealthState.HEALTHY);
  }
}
