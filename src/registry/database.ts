/**
 * The one module that owns the SQLite database of the provenance record: open, pragmas,
 * migrations, close. Everything else talks to it through prepared statements on the handle
 * returned here, so that a server database could replace it behind the same RecordSink.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LabellerError, errorMessage } from '../domain/errors.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export function openDatabase(file: string, opts: { mustExist?: boolean } = {}): Db {
  if (opts.mustExist && !fs.existsSync(file)) throw new LabellerError('not_found', `there is no provenance record at ${file}`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    if (!opts.mustExist) ownerOnly(file);
    const db = new Database(file, { fileMustExist: opts.mustExist === true });
    // WAL: readers (exports, the web list) never block the writer. NORMAL sync is safe from
    // corruption in WAL mode; a power cut can lose at most the last commits, not the chain.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // CLI, server and watch worker may write at once: wait for the lock instead of failing.
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    if (err instanceof LabellerError) throw err;
    throw new LabellerError('io_error', `the provenance record at ${file} cannot be opened: ${errorMessage(err)}`, { cause: err });
  }
}

/**
 * The record names who labelled and verified what: readable by the service user only, like the
 * keys. Created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database
 * file's mode); a record an older version left 0644 is narrowed.
 */
function ownerOnly(file: string): void {
  fs.closeSync(fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      if ((fs.statSync(f).mode & 0o077) !== 0) fs.chmodSync(f, 0o600);
    } catch {
      /* absent, or not ours to change (a read-only mount): SQLite reports what matters */
    }
  }
}

/** Applies the migrations this database has not seen yet, each in its own transaction. */
export function migrate(db: Db): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  let current = row.v ?? 0;
  if (current > MIGRATIONS.length) {
    throw new LabellerError(
      'bad_config',
      `the provenance record has schema version ${current}, newer than this program knows (${MIGRATIONS.length}); upgrade the labeller`,
    );
  }
  for (const [i, sql] of MIGRATIONS.entries()) {
    const version = i + 1;
    if (version <= current) continue;
    db.transaction(() => {
      db.exec(sql);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
    }).immediate();
    current = version;
  }
  return current;
}

export function closeDatabase(db: Db): void {
  if (db.open) db.close();
}
