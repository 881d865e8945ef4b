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

-- the decisions of each run, one row per group written together (the decisions before one side effect):
-- records is a JSON array with one element per record, in sequence from first_sequence on, each
-- [time, kind, attributes (in order)] or, for a run's outcome, [time, kind, attributes, scaleSet, entry];
-- time is exact seconds since the epoch (a decimal). Compact on purpose: a batch's group holds thousands.
-- The column is text, stored uncompressed: the store writes valid JSON, and checking or compressing
-- ~80 KB per write costs more time than the disk it saves (the view rollout_record reads it as JSON).
CREATE TABLE rollout_journal (
  run_id text NOT NULL REFERENCES rollout_run (run_id) ON DELETE CASCADE,
  first_sequence bigint NOT NULL,
  last_sequence bigint NOT NULL,
  fencing_token bigint NOT NULL,
  written_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  records text NOT NULL,
  PRIMARY KEY (run_id, first_sequence)
);
ALTER TABLE rollout_journal ALTER COLUMN records SET STORAGE EXTERNAL;

-- one row per decision, for people who audit runs with SQL ("which instances did batch 3 touch?")
-- (decided_at: the record's time to the microsecond; null outside PostgreSQL's range of timestamps)
CREATE VIEW rollout_record AS
  SELECT j.run_id, j.first_sequence + r.n - 1 AS sequence, j.fencing_token,
    CASE WHEN t.s >= -210866803200 AND t.s < 9224318015999 -- whole days, then the seconds: exact at any date
      THEN (timestamp 'epoch' + floor(t.s / 86400) * interval '1 day' + (t.s - 86400 * floor(t.s / 86400))
        * interval '1 second') AT TIME ZONE 'UTC' END AS decided_at,
    r.e ->> 1 AS kind, r.e -> 2 AS attributes, r.e ->> 3 AS outcome_scale_set, r.e -> 4 AS outcome_entry
  FROM rollout_journal j CROSS JOIN LATERAL json_array_elements(j.records::json) WITH ORDINALITY AS r(e, n)
    CROSS JOIN LATERAL (SELECT (r.e ->> 0)::numeric) AS t(s);

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
