/**
 * Schema of the provenance record, one entry per version; never edit a released entry, add one.
 *
 * `records` is append-only: triggers refuse UPDATE always and DELETE unless the retention gate
 * is open (only pruneExpired opens it). The triggers guard against our own mistakes; the hash
 * chain (chain.ts) is what makes tampering by someone with the file detectable.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE records (
    seq            INTEGER PRIMARY KEY,
    id             TEXT NOT NULL UNIQUE,
    time           TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('label', 'verify')),
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
    hash           TEXT NOT NULL
  );
  CREATE INDEX records_time ON records (time);
  CREATE INDEX records_actor ON records (actor, seq);
  CREATE INDEX records_verdict ON records (verdict, seq) WHERE verdict IS NOT NULL;
  CREATE INDEX records_output ON records (output_sha256) WHERE type = 'label';

  -- Near-duplicate index over label outputs: each 64-bit fingerprint split into four 16-bit
  -- bands (b0 = the high bits). Derived from records.fingerprint, which the chain covers.
  CREATE TABLE fingerprints (
    record_seq INTEGER NOT NULL REFERENCES records (seq),
    kind       TEXT NOT NULL CHECK (kind IN ('image', 'text')),
    hash       TEXT NOT NULL,
    b0 INTEGER NOT NULL, b1 INTEGER NOT NULL, b2 INTEGER NOT NULL, b3 INTEGER NOT NULL
  );
  CREATE INDEX fingerprints_b0 ON fingerprints (kind, b0);
  CREATE INDEX fingerprints_b1 ON fingerprints (kind, b1);
  CREATE INDEX fingerprints_b2 ON fingerprints (kind, b2);
  CREATE INDEX fingerprints_b3 ON fingerprints (kind, b3);
  CREATE INDEX fingerprints_record ON fingerprints (record_seq);

  -- After retention removed the oldest rows: the hash of the last removed row, which the
  -- first remaining row's prev_hash must equal.
  CREATE TABLE chain_anchor (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    through_seq INTEGER NOT NULL,
    hash        TEXT NOT NULL,
    pruned      INTEGER NOT NULL,
    at          TEXT NOT NULL
  );

  CREATE TABLE retention_gate (open INTEGER NOT NULL);
  INSERT INTO retention_gate (open) VALUES (0);

  CREATE TRIGGER records_no_update BEFORE UPDATE ON records
  BEGIN SELECT RAISE(ABORT, 'the provenance record is append-only: add a correcting record instead'); END;
  CREATE TRIGGER records_no_delete BEFORE DELETE ON records
  WHEN (SELECT open FROM retention_gate) IS NOT 1
  BEGIN SELECT RAISE(ABORT, 'the provenance record is append-only: rows leave only by retention'); END;
  `,
  // v2: near lookups moved to an in-memory index loaded from this table (fingerprint-index.ts);
  // the band indexes only slowed inserts. Catch-up reads use fingerprints_record.
  `
  DROP INDEX fingerprints_b0;
  DROP INDEX fingerprints_b1;
  DROP INDEX fingerprints_b2;
  DROP INDEX fingerprints_b3;
  `,
  // v3: an idempotency key per job (the watch folder's job id), so a job redone after a crash
  // finds its row instead of writing a second one. Not part of the chain: it is bookkeeping,
  // not evidence, and rows written before v3 keep their hashes.
  `
  ALTER TABLE records ADD COLUMN job_id TEXT;
  CREATE UNIQUE INDEX records_job ON records (job_id) WHERE job_id IS NOT NULL;
  `,
  // v4: review events (held for an editor, approved, rejected, expired) are rows of the chain
  // too. SQLite cannot change a CHECK in place: the table is rebuilt with the same columns and
  // rows (hashes untouched), foreign keys deferred while fingerprints point at no table.
  `
  PRAGMA defer_foreign_keys = ON;
  CREATE TABLE records_v3_copy AS SELECT * FROM records;
  DROP TABLE records;
  CREATE TABLE records (
    seq            INTEGER PRIMARY KEY,
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
  INSERT INTO records (seq, id, time, type, actor, door, input_sha256, output_sha256, format, width, height, options, wording,
    manifest_label, verdict, fingerprint, data, prev_hash, hash, job_id)
  SELECT seq, id, time, type, actor, door, input_sha256, output_sha256, format, width, height, options, wording,
    manifest_label, verdict, fingerprint, data, prev_hash, hash, job_id FROM records_v3_copy ORDER BY seq;
  DROP TABLE records_v3_copy;
  CREATE INDEX records_time ON records (time);
  CREATE INDEX records_actor ON records (actor, seq);
  CREATE INDEX records_verdict ON records (verdict, seq) WHERE verdict IS NOT NULL;
  CREATE INDEX records_output ON records (output_sha256) WHERE type = 'label';
  CREATE UNIQUE INDEX records_job ON records (job_id) WHERE job_id IS NOT NULL;
  CREATE TRIGGER records_no_update BEFORE UPDATE ON records
  BEGIN SELECT RAISE(ABORT, 'the provenance record is append-only: add a correcting record instead'); END;
  CREATE TRIGGER records_no_delete BEFORE DELETE ON records
  WHEN (SELECT open FROM retention_gate) IS NOT 1
  BEGIN SELECT RAISE(ABORT, 'the provenance record is append-only: rows leave only by retention'); END;
  `,
  // ISCC Content-Codes (ISO 24138) of labelled outputs, whole and in crops or windows (iscc-index.ts),
  // split into four 16-bit bands like fingerprints. Derived from records.fingerprint, which the chain covers.
  `
  CREATE TABLE iscc_codes (
    record_seq INTEGER NOT NULL REFERENCES records (seq),
    kind       TEXT NOT NULL CHECK (kind IN ('image', 'text')),
    code       TEXT NOT NULL,
    b0 INTEGER NOT NULL, b1 INTEGER NOT NULL, b2 INTEGER NOT NULL, b3 INTEGER NOT NULL
  );
  CREATE INDEX iscc_codes_record ON iscc_codes (record_seq);
  `,
  // v6: the prompt of a labelling, kept outside the chain (it may name people): the chained row
  // holds a salted hash of it (data.promptHash), so erasing the text and its salt (records erase
  // --prompt, PROMPT_RETENTION_DAYS) leaves every row's hash intact and the hash unlinkable.
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
  // v7: the invisible watermark's mark id of a labelled output (data.watermark.markId, which the chain
  // covers), indexed so that verify finds the record a watermark names (findByMark).
  `
  CREATE INDEX records_watermark ON records (json_extract(data, '$.watermark.markId')) WHERE type = 'label';
  `,
];
