/**
 * Schema of the provenance record on PostgreSQL, one entry per version; never edit a released
 * entry, add one. The same tables and columns as the SQLite record (migrations.ts) at its
 * latest version, so rows, hashes and exports are the same: times and JSON stay TEXT exactly
 * as the chain hashed them.
 *
 * Differences that PostgreSQL allows: the append-only rule is a trigger that lets DELETE
 * through only inside retention's own transaction (SET LOCAL labeller.retention = 'on'); the
 * near-copy bands have B-tree indexes and the 64-bit hash is kept as a BIGINT, so lookups run
 * in SQL instead of in each instance's memory (pg-near.ts).
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE records (
    seq            BIGINT PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    time           TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('label', 'verify', 'review')),
    actor          TEXT NOT NULL,
    door           TEXT NOT NULL,
    input_sha256   TEXT NOT NULL,
    output_sha256  TEXT,
    format         TEXT NOT NULL,
    width          INTEGER,
    height         INTEGER,
    options        TEXT,
    wording        TEXT,
    manifest_label TEXT,
    verdict        TEXT,
    fingerprint    TEXT,
    data           TEXT NOT NULL,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL,
    job_id         TEXT
  );
  CREATE INDEX records_time ON records (time);
  CREATE INDEX records_actor ON records (actor, seq);
  CREATE INDEX records_verdict ON records (verdict, seq) WHERE verdict IS NOT NULL;
  CREATE INDEX records_type ON records (type, seq);
  CREATE INDEX records_output ON records (output_sha256) WHERE type = 'label';
  CREATE UNIQUE INDEX records_job ON records (job_id) WHERE job_id IS NOT NULL;

  -- Near-copy indexes: each 64-bit hash as a signed BIGINT (h) and as four 16-bit bands
  -- (b0 = the high bits), a B-tree per band. Derived from records.fingerprint, which the chain covers.
  CREATE TABLE fingerprints (
    record_seq BIGINT NOT NULL REFERENCES records (seq),
    kind       TEXT NOT NULL CHECK (kind IN ('image', 'text')),
    hash       TEXT NOT NULL,
    h          BIGINT NOT NULL,
    b0 INTEGER NOT NULL, b1 INTEGER NOT NULL, b2 INTEGER NOT NULL, b3 INTEGER NOT NULL
  );
  CREATE INDEX fingerprints_b0 ON fingerprints (kind, b0) INCLUDE (h, record_seq);
  CREATE INDEX fingerprints_b1 ON fingerprints (kind, b1) INCLUDE (h, record_seq);
  CREATE INDEX fingerprints_b2 ON fingerprints (kind, b2) INCLUDE (h, record_seq);
  CREATE INDEX fingerprints_b3 ON fingerprints (kind, b3) INCLUDE (h, record_seq);
  CREATE INDEX fingerprints_record ON fingerprints (record_seq);

  CREATE TABLE iscc_codes (
    record_seq BIGINT NOT NULL REFERENCES records (seq),
    kind       TEXT NOT NULL CHECK (kind IN ('image', 'text')),
    code       TEXT NOT NULL,
    h          BIGINT NOT NULL,
    b0 INTEGER NOT NULL, b1 INTEGER NOT NULL, b2 INTEGER NOT NULL, b3 INTEGER NOT NULL
  );
  CREATE INDEX iscc_codes_b0 ON iscc_codes (kind, b0) INCLUDE (h, record_seq);
  CREATE INDEX iscc_codes_b1 ON iscc_codes (kind, b1) INCLUDE (h, record_seq);
  CREATE INDEX iscc_codes_b2 ON iscc_codes (kind, b2) INCLUDE (h, record_seq);
  CREATE INDEX iscc_codes_b3 ON iscc_codes (kind, b3) INCLUDE (h, record_seq);
  CREATE INDEX iscc_codes_record ON iscc_codes (record_seq);

  -- After retention removed the oldest rows: the hash of the last removed row, which the
  -- first remaining row's prev_hash must equal.
  CREATE TABLE chain_anchor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    through_seq BIGINT NOT NULL,
    hash        TEXT NOT NULL,
    pruned      BIGINT NOT NULL,
    at          TEXT NOT NULL
  );

  CREATE FUNCTION records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' AND current_setting('labeller.retention', true) = 'on' THEN
      RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' THEN
      RAISE EXCEPTION 'the provenance record is append-only: add a correcting record instead';
    END IF;
    RAISE EXCEPTION 'the provenance record is append-only: rows leave only by retention';
  END $$;
  CREATE TRIGGER records_no_update BEFORE UPDATE ON records FOR EACH ROW EXECUTE FUNCTION records_append_only();
  CREATE TRIGGER records_no_delete BEFORE DELETE ON records FOR EACH ROW EXECUTE FUNCTION records_append_only();
  CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records FOR EACH STATEMENT EXECUTE FUNCTION records_append_only();
  `,
  // v2: prompts outside the chain, as SQLite's v6 (prompts.ts): the row keeps a salted hash.
  `
  CREATE TABLE prompts (
    record_id     TEXT PRIMARY KEY,
    time          TEXT NOT NULL,
    salt          TEXT,
    prompt        TEXT,
    prompt_writer TEXT,
    erased_at     TEXT
  );
  CREATE INDEX prompts_time ON prompts (time) WHERE erased_at IS NULL;
  `,
  // v3: API keys shared by every instance (pg-keys.ts): names, SHA-256 hashes and roles, never secrets.
  `
  CREATE TABLE api_keys (
    name       TEXT PRIMARY KEY,
    sha256     TEXT NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    role       TEXT NOT NULL CHECK (role IN ('labeller', 'editor', 'admin')),
    created_at TEXT NOT NULL
  );
  `,
  // v4: the invisible watermark's mark id of a labelled output, as SQLite's v7 (findByMark).
  `
  CREATE INDEX records_watermark ON records (((data::jsonb -> 'watermark' ->> 'markId')::bigint)) WHERE type = 'label';
  `,
];
