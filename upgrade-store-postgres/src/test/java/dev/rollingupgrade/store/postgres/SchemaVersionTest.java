package dev.rollingupgrade.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The shipped schema: migrate() once across replicas, and a store that fails fast on any other version. */
class SchemaVersionTest {
  @Test
  void aStoreOnADatabaseWithoutTheSchemaFailsFastNamingTheFix() {
    try (HikariDataSource db = TestDatabase.fresh()) {
      assertThat(PostgresSchema.version(db)).isZero();
      assertThatThrownBy(() -> PostgresRolloutStore.open(db)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("no rollout store schema").hasMessageContaining("V1__rollout_store.sql")
          .hasMessageContaining("PostgresSchema.migrate");
    }
  }

  @Test
  void replicasMigratingAtOnceApplyTheSchemaOnce() throws Exception {
    try (HikariDataSource db = TestDatabase.fresh()) {
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> before = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          before.add(pool.submit(() -> {
            go.await();
            return PostgresSchema.migrate(db);
          }));
        }
        go.countDown();
        List<Integer> found = new ArrayList<>();
        for (Future<Integer> f : before) {
          found.add(f.get());
        }
        assertThat(found).containsExactlyInAnyOrder(0, 1, 1); // one applied it, the others found it
      } finally {
        pool.shutdownNow();
      }
      assertThat(PostgresSchema.version(db)).isEqualTo(PostgresSchema.CURRENT_VERSION);
      assertThat(TestDatabase.queryLong(db, "SELECT count(*) FROM rollout_schema_version")).isEqualTo(1);
      assertThat(PostgresRolloutStore.open(db).unfinishedRuns()).isEmpty();
    }
  }

  @Test
  void aNewerSchemaVersionIsRefusedByTheStoreAndByMigrate() {
    try (HikariDataSource db = TestDatabase.migrated()) {
      TestDatabase.execute(db, "INSERT INTO rollout_schema_version (version) VALUES (2)");
      assertThatThrownBy(() -> PostgresRolloutStore.open(db)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("schema version 2, this library needs 1");
      assertThatThrownBy(() -> PostgresSchema.migrate(db)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("newer than this library's 1");
    }
  }

  @Test
  void aStoreOnAReadOnlyDatabaseFailsFastNamingIt() {
    try (HikariDataSource db = TestDatabase.migrated()) {
      TestDatabase.execute(db, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET default_transaction_read_only = on', "
          + "current_database()); END $$");
      try (HikariDataSource readOnly = TestDatabase.pool(db.getJdbcUrl(), 1)) { // new sessions take the setting
        assertThatThrownBy(() -> PostgresRolloutStore.open(readOnly)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("read-only").hasMessageContaining("transaction_read_only");
      }
    }
  }

  @Test
  void aFailingScriptAppliesNothing() {
    try (HikariDataSource db = TestDatabase.fresh()) {
      TestDatabase.execute(db, "CREATE TABLE rollout_history (taken text)"); // a name clash
      assertThatThrownBy(() -> PostgresSchema.migrate(db)).isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("rollout_history");
      assertThat(PostgresSchema.version(db)).isZero();
    }
  }

  @Test
  void theScriptsAreNamedForFlywayAndHeadedForLiquibase() {
    assertThat(PostgresSchema.scripts()).containsExactly(
        "dev/rollingupgrade/store/postgres/migration/V1__rollout_store.sql");
    List<String> statements = PostgresSchema.statements("--liquibase formatted sql\n-- a comment\n"
        + "CREATE TABLE a (\n  x int\n);\nINSERT INTO a VALUES (1);\n");
    assertThat(statements).containsExactly("CREATE TABLE a (\n  x int\n);", "INSERT INTO a VALUES (1);");
  }
}
