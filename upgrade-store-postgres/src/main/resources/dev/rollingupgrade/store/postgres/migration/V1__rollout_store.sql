--liquibase formatted sql
--changeset dev.rollingupgrade:rollout-store-1
-- Schema version 1 of the rolling-upgrade SDK's PostgreSQL store (upgrade-store-postgres).
-- Apply it with PostgresSchema.migrate(dataSource), with Flyway (location
-- classpath:dev/rollingupgrade/store/postgres/migration) or with Liquibase (a formatted SQL changelog).
-- Every statement ends its line with a semicolon: PostgresSchema.migrate splits the script there.

-- which version of this schema the database holds; the store refuses to start on another
CREATE TABLE rollout_schema_version (
  version integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- the order in which runs wrote their first record ("oldest first")
CREATE SEQUENCE rollout_run_order;

-- one row per run: its lease (owner, until when by the database clock, fencing token) and its journal's end
CREATE TABLE rollout_run (
  run_id text PRIMARY KEY,
  owner text,
  lease_until timestamptz,
  fencing_token bigint NOT NULL DEFAULT 0,
  claimed_at timestamptz,
  next_sequence bigint NOT NULL DEFAULT 0,
  finished boolean NOT NULL DEFAULT false,
  begun bigint
);
CREATE INDEX rollout_run_unfinished ON rollout_run (begun) WHERE NOT finished AND begun IS NOT NULL;

-- the decisions of each run, in sequence; attributes as a JSON object in their order (json keeps it)
CREATE TABLE rollout_record (
  run_id text NOT NULL REFERENCES rollout_run (run_id) ON DELETE CASCADE,
  sequence bigint NOT NULL,
  fencing_token bigint NOT NULL,
  decided_at text NOT NULL,
  kind text NOT NULL,
  attributes json NOT NULL,
  outcome_scale_set text,
  outcome_entry text,
  PRIMARY KEY (run_id, sequence)
);

-- each scale set's upgrade history, newest last by id; the entry is Azure JSON (osUpgradeHistory shape)
CREATE TABLE rollout_history (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scale_set text NOT NULL,
  run_id text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  entry text NOT NULL
);
CREATE INDEX rollout_history_scale_set ON rollout_history (scale_set, id);

INSERT INTO rollout_schema_version (version) VALUES (1);
