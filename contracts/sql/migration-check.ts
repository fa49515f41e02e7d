/**
 * Do the committed migrations (`contracts/migrations/`) match what `npm run contracts:lock` writes for the lock
 * histories? Every migration a sink table needs is committed, none was edited, and none is foreign (a file no
 * product's history produces — synth would package it and the migration function would run it as the database's
 * master user). The folders of retired product versions are left alone: their tables stay, so do their migrations.
 */
import { sha256 } from '../build-cache';
import type { Problem } from '../problems';
import type { CommittedMigration } from './committed';

/** A migration as `contracts:lock` writes it for a product's lock history. */
export interface ExpectedMigration {
  /** `<domain>/<name>@v<version>`. */
  readonly product: string;
  /** The sink consumer whose table it migrates. */
  readonly consumer: string;
  /** `<domain>/<name>.v<version>/<consumer>/<file>`. */
  readonly id: string;
  /** sha256 of the SQL, hex. */
  readonly checksum: string;
}

/** `<domain>/<name>.v<version>` of a migration id. */
export function migrationFolder(id: string): string {
  return id.split('/').slice(0, 2).join('/');
}

/** `<domain>/<name>.v<version>/<consumer>` of a migration id. */
function tableFolder(id: string): string {
  return id.split('/').slice(0, 3).join('/');
}

/** `<domain>/<name>.v<version>` of a product id `<domain>/<name>@v<version>`. */
export function productFolder(productId: string): string {
  return productId.replace(/@v(\d+)$/, '.v$1');
}

export interface MigrationCheckInput {
  /** What `contracts:lock` writes for every current sink's lock history. */
  readonly expected: readonly ExpectedMigration[];
  /** What is committed under `contracts/migrations/`. */
  readonly committed: readonly CommittedMigration[];
  /** Every product version of the mesh (`<domain>/<name>@v<version>`), with or without a sink. */
  readonly products: readonly string[];
  /** Retired product versions: their committed migrations are kept as they are. @default - none */
  readonly retired?: readonly string[];
}

/** Every mismatch between the expected migrations and the committed files, one problem each, naming the file. */
export function checkCommittedMigrations(input: MigrationCheckInput): Problem[] {
  const { expected, committed } = input;
  const problems: Problem[] = [];
  const onDisk = new Map(committed.map((m) => [m.id, m]));
  const wanted = new Set(expected.map((m) => m.id));
  const products = new Map(input.products.map((id) => [productFolder(id), id]));
  const retiredFolders = new Set((input.retired ?? []).map(productFolder));
  for (const m of expected) {
    const file = onDisk.get(m.id);
    const field = `consumers.${m.consumer}.sink`;
    if (!file) {
      problems.push({ product: m.product, field, message: `contracts/migrations/${m.id} is missing: the sink table needs it for a shape in the lock's history.`, fix: 'run `npm run contracts:lock` (it writes the missing migrations) and commit contracts/migrations/ with the lock.' });
    } else if (sha256(file.sql) !== m.checksum) {
      problems.push({
        product: m.product,
        field,
        message: `contracts/migrations/${m.id} is not what contracts:lock writes for this shape: a committed migration was edited, and databases that applied the original refuse a changed one.`,
        fix: `restore it (git checkout -- contracts/migrations/${m.id}); to change the table, change the contract and run \`npm run contracts:lock\`, which writes a new migration.`,
      });
    }
  }
  // A table folder of a current sink must hold exactly the expected files. A product's other folders belong to sinks
  // the contract removed (the table stays, and so do its migrations); a retired version's folders stay as they are.
  const tables = new Set(expected.map((m) => tableFolder(m.id)));
  for (const m of committed) {
    if (wanted.has(m.id) || retiredFolders.has(migrationFolder(m.id))) continue;
    const owner = products.get(migrationFolder(m.id));
    if (owner && !tables.has(tableFolder(m.id))) continue;
    problems.push({
      product: owner ?? migrationFolder(m.id).replace(/\.v(\d+)$/, '@v$1'),
      field: '(migrations)',
      message: `contracts/migrations/${m.id} was not written by contracts:lock for ${owner ? "this product's lock history" : 'any product (there is no such product, and it is not retired)'}: synth would package it and the migration function would run it as the database's master user.`,
      fix: `delete it; migrations are generated from the contract by \`npm run contracts:lock\`${owner ? '' : ' (if its product was retired, record that with `npm run contracts:retire -- <id> --reason "…"`)'}.`,
    });
  }
  return problems;
}
