/**
 * Committed migrations on disk: `contracts/migrations/<domain>/<name>.v<version>/<consumer>/NNNN_*.sql`.
 * Writing only ever adds files; a committed migration is never rewritten, even
 * when the generator changes, because databases have already applied it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { CommittedFiles, Migration } from './migrations';

/** A migration read from disk: its id (the path under the root, `/`-separated) and text. */
export interface CommittedMigration {
  readonly id: string;
  readonly sql: string;
}

/** Writes the migrations that are not on disk yet; returns the ids written and the ids already there. */
export function writeMigrations(root: string, migrations: readonly Migration[]): { written: string[]; kept: string[] } {
  const written: string[] = [];
  const kept: string[] = [];
  for (const m of migrations) {
    const file = join(root, ...m.id.split('/'));
    if (existsSync(file)) {
      kept.push(m.id);
      continue;
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, m.sql);
    written.push(m.id);
  }
  return { written, kept };
}

/**
 * Every committed migration under `root` (optionally only one domain's), in
 * apply order: by table folder, then by number. Tables are independent (each
 * creates its schema and roles idempotently), so only the order within a
 * folder matters.
 */
export function readCommittedMigrations(root: string, domain?: string): CommittedMigration[] {
  const base = domain ? join(root, domain) : root;
  if (!existsSync(base)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (/^\d{4}_[a-z0-9-]+\.sql$/.test(e)) files.push(p);
    }
  };
  walk(base);
  return files.sort().map((f) => ({ id: relative(root, f).split(sep).join('/'), sql: readFileSync(f, 'utf8') }));
}

/**
 * The committed files of each table folder, for the generator (`planSinks`): a lookup by
 * `SinkTable.migrationsDir` over migrations read with {@link readCommittedMigrations}.
 */
export function committedFilesOf(migrations: readonly CommittedMigration[]): CommittedFiles {
  const byDir = new Map<string, Array<{ name: string; sql: string }>>();
  for (const m of migrations) {
    const cut = m.id.lastIndexOf('/');
    const dir = m.id.slice(0, cut);
    let files = byDir.get(dir);
    if (!files) byDir.set(dir, (files = []));
    files.push({ name: m.id.slice(cut + 1), sql: m.sql });
  }
  return (dir) => byDir.get(dir) ?? [];
}
