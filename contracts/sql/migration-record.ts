/**
 * The record of every migration `npm run contracts:lock` wrote:
 * `contracts/migrations/checksums.json`, committed with the migrations, maps
 * each migration's id (its path below `contracts/migrations/`) to the SHA-256
 * of its text — the same checksum the migration function keeps in the
 * database's history table.
 *
 * The migration function runs every committed migration as the database's
 * master user, so a migration file must be exactly what the generator wrote:
 * synth (and `contracts:lock`) refuse a recorded file that is missing or
 * edited, and a `.sql` file that is not recorded. The record does not look at
 * what a migration says, only at which file it is and which bytes it has, so
 * every kind of generated migration (create, shape change, grants, database
 * settings) is recorded and checked the same way.
 *
 * Only `contracts:lock` writes the record: it adds the migrations it writes,
 * and adopts an unrecorded file only when the generator writes exactly the
 * same bytes under that id (a repository that predates the record).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Problem } from '../problems';
import { checksumOf, type Migration } from './migrations';

/** The record's file name, in the migrations folder. */
export const MIGRATION_RECORD_FILE = 'checksums.json';
export const MIGRATION_RECORD_VERSION = 1;

/** The record: migration id → SHA-256 (hex) of its text. */
export type MigrationRecord = ReadonlyMap<string, string>;

/** A `.sql` file found below the migrations folder. */
export interface MigrationFile {
  /** Its path below the migrations folder, `/`-separated: the migration id. */
  readonly id: string;
  readonly sql: string;
}

const LOCK = 'npm run contracts:lock';

/** The record's text: stable (sorted ids, one per line), with a note for whoever opens it. */
export function serializeMigrationRecord(record: MigrationRecord): string {
  const migrations: Record<string, string> = {};
  for (const id of [...record.keys()].sort()) migrations[id] = record.get(id) as string;
  return `${JSON.stringify({
    recordVersion: MIGRATION_RECORD_VERSION,
    note: `Written by ${LOCK}: every migration it wrote, with the SHA-256 of its text. Synth refuses a migration file that is missing, edited or not listed here. Never edit this file by hand.`,
    migrations,
  }, null, 2)}\n`;
}

/** Parses the record's text; an error message when it is not a record. */
export function parseMigrationRecord(text: string): { record?: MigrationRecord; error?: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { error: `it is not JSON (${(err as Error).message})` };
  }
  const o = data as { recordVersion?: unknown; migrations?: unknown } | null;
  if (typeof o !== 'object' || o === null) return { error: 'it is not a JSON object' };
  if (o.recordVersion !== MIGRATION_RECORD_VERSION) return { error: `recordVersion is ${JSON.stringify(o.recordVersion)}, expected ${MIGRATION_RECORD_VERSION}` };
  if (typeof o.migrations !== 'object' || o.migrations === null || Array.isArray(o.migrations)) return { error: 'it has no "migrations" object' };
  const record = new Map<string, string>();
  for (const [id, sum] of Object.entries(o.migrations as Record<string, unknown>)) {
    if (typeof sum !== 'string' || !/^[0-9a-f]{64}$/.test(sum)) return { error: `the checksum of ${id} is not a SHA-256 in hex` };
    record.set(id, sum);
  }
  return { record };
}

/** What the migrations folder holds: every `.sql` file below it and the record (empty when there is none). */
export interface MigrationsOnDisk {
  readonly files: readonly MigrationFile[];
  readonly record: MigrationRecord;
  /** True when the record file exists. */
  readonly recorded: boolean;
  readonly problems: readonly Problem[];
}

/** Reads every `.sql` file below `dir` (whatever its name) and the record; `root` makes names in messages project-relative. */
export function readMigrationsOnDisk(dir: string, root: string): MigrationsOnDisk {
  const files: MigrationFile[] = [];
  if (!existsSync(dir)) return { files, record: new Map(), recorded: false, problems: [] };
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.sql')) files.push({ id: relative(dir, p).split(sep).join('/'), sql: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  const recordFile = join(dir, MIGRATION_RECORD_FILE);
  if (!existsSync(recordFile)) return { files, record: new Map(), recorded: false, problems: [] };
  const { record, error } = parseMigrationRecord(readFileSync(recordFile, 'utf8'));
  if (!record) {
    return {
      files,
      record: new Map(),
      recorded: true,
      problems: [{
        product: posix(relative(root, recordFile)),
        field: '(migrations)',
        message: `the record of the generated migrations cannot be read: ${error}.`,
        fix: `restore it from git (git checkout -- ${posix(relative(root, recordFile))}); only \`${LOCK}\` writes it.`,
      }],
    };
  }
  return { files, record, recorded: true, problems: [] };
}

/** What {@link reconcileMigrations} decides. */
export interface MigrationPlan {
  /** Every committed file that is missing, edited or not generated: each names the file. */
  readonly problems: readonly Problem[];
  /** Generated migrations that are not on disk yet (`contracts:lock` writes them). */
  readonly toWrite: readonly Migration[];
  /** The record after `contracts:lock` (unchanged when there is nothing to add). */
  readonly record: MigrationRecord;
  /** True when the record gains entries. */
  readonly recordChanged: boolean;
}

/**
 * Checks the migrations folder against the record — what synth does, with
 * `generated` undefined — and, for `contracts:lock`, with the migrations the
 * generator derives now: which to write, which unrecorded files to adopt
 * (byte for byte what the generator writes under that id), and the new record.
 * `dir` is the migrations folder, `root` the project (for file names).
 */
export function reconcileMigrations(onDisk: MigrationsOnDisk, dir: string, root: string, generated?: readonly Migration[]): MigrationPlan {
  const file = (id: string) => posix(relative(root, join(dir, ...id.split('/'))));
  const recordName = posix(relative(root, join(dir, MIGRATION_RECORD_FILE)));
  const problems: Problem[] = [...onDisk.problems];
  const record = new Map(onDisk.record);
  const byId = new Map((generated ?? []).map((m) => [m.id, m]));
  const present = new Set(onDisk.files.map((f) => f.id));
  let recordChanged = false;
  for (const f of onDisk.files) {
    const recordedSum = onDisk.record.get(f.id);
    const sum = checksumOf(f.sql);
    if (recordedSum !== undefined) {
      if (recordedSum !== sum) {
        problems.push({
          product: file(f.id),
          field: '(migration)',
          message: `the migration was edited after \`${LOCK}\` wrote it (SHA-256 ${sum.slice(0, 12)}…, recorded ${recordedSum.slice(0, 12)}… in ${recordName}). A database that applied it refuses to run the set again, and one that has not would run SQL that nobody generated, as the database's master user.`,
          fix: `restore it from git (git checkout -- ${file(f.id)}); a committed migration is never edited: change the contract and run \`${LOCK}\`, which writes a new migration.`,
        });
      }
      continue;
    }
    const wanted = byId.get(f.id);
    if (wanted && wanted.checksum === sum) {
      // Byte for byte what the generator writes under this id: recorded as written by contracts:lock.
      record.set(f.id, sum);
      recordChanged = true;
      continue;
    }
    problems.push({
      product: file(f.id),
      field: '(migration)',
      message: `the migration was not written by \`${LOCK}\` (it is not in ${recordName}${wanted ? ', and the generator writes other SQL under this name' : ''}), yet the migration function would run it as the database's master user.`,
      fix: `delete it: a sink table changes only through its contract and \`${LOCK}\`${generated ? '' : `. If the file predates ${recordName}, run \`${LOCK}\`: it records the file when the generator writes exactly these bytes`}.`,
    });
  }
  for (const id of [...onDisk.record.keys()].sort()) {
    if (present.has(id)) continue;
    problems.push({
      product: file(id),
      field: '(migration)',
      message: `the migration is recorded in ${recordName} (\`${LOCK}\` wrote it) but the file is missing. Databases that applied it expect it in every later set, and the migration function refuses a set without it.`,
      fix: `restore it from git (git checkout -- ${file(id)}); a committed migration is never deleted, not even when its product is retired.`,
    });
  }
  const toWrite: Migration[] = [];
  for (const m of generated ?? []) {
    if (present.has(m.id) || onDisk.record.has(m.id)) continue;
    toWrite.push(m);
    record.set(m.id, m.checksum);
    recordChanged = true;
  }
  return { problems, toWrite, record, recordChanged };
}

const posix = (p: string) => p.split(sep).join('/');
