/**
 * Upgrading the privilege model: tables created by an older generator get their narrower grants
 * through a new generated migration, which `contracts:lock` writes like any other and synth requires.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { lockMesh } from '../../../contracts/lock/lock-mesh';
import { readCommittedMigrations } from '../../../contracts/sql/committed';
import { MIGRATION_RECORD_FILE, parseMigrationRecord, serializeMigrationRecord } from '../../../contracts/sql/migration-record';
import { synthesizeMesh } from '../../../stacks/app';
import { ENVIRONMENTS } from '../../../stacks/environments';
import { copyExampleContracts, fixtureSynth } from '../../helpers';
import { PROJECT } from '../../support/buf';

function logger() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } };
}

describe('privilege migrations of tables created before revision 2', () => {
  mkdirSync(join(PROJECT, '.cache'), { recursive: true });
  const work = mkdtempSync(join(PROJECT, '.cache', 'lock-privileges-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const products = copyExampleContracts(work);
  const migrations = join(work, 'migrations');
  const upgrades = readCommittedMigrations(fixtureSynth().migrationsDir).filter((m) => m.id.endsWith('/0002_privileges-v2.sql'));
  const options = { root: work, productsDir: products, locksDir: join(work, 'locks'), migrationsDir: migrations, retiredFile: join(work, 'retired.json'), environments: ENVIRONMENTS };

  it('fails synth while a table lacks its privileges migration, naming the file and contracts:lock', () => {
    expect(upgrades.length).toBe(3);
    // The repository as it was before the upgrade: no privileges migration, none recorded.
    for (const m of upgrades) unlinkSync(join(migrations, m.id));
    const recordFile = join(migrations, MIGRATION_RECORD_FILE);
    const { record } = parseMigrationRecord(readFileSync(recordFile, 'utf8'));
    writeFileSync(recordFile, serializeMigrationRecord(new Map([...record!].filter(([id]) => !id.endsWith('/0002_privileges-v2.sql')))));
    const l = logger();
    expect(synthesizeMesh({ ...options, outdir: join(work, 'out'), log: l.log })).toBe(1);
    const out = l.lines.join('\n');
    // Synth stops at the first domain stack whose sinks lack a migration.
    expect(upgrades.some((m) => out.includes(`contracts/migrations/${m.id} is missing`))).toBe(true);
    expect(out).toMatch(/run `npm run contracts:lock`/);
  });

  it('contracts:lock writes exactly the generated privileges migrations, and never rewrites a committed create', () => {
    const creates = readCommittedMigrations(migrations).filter((m) => m.id.endsWith('/0001_create.sql'));
    const l = logger();
    expect(lockMesh({ ...options, log: l.log })).toBe(0);
    for (const m of upgrades) {
      expect(l.lines).toContain(`  ✔ wrote ${relative(work, migrations)}/${m.id}`);
      expect(readFileSync(join(migrations, m.id), 'utf8')).toBe(m.sql);
    }
    // …and records each in the record of generated migrations, which synth checks.
    expect(readFileSync(join(migrations, MIGRATION_RECORD_FILE), 'utf8')).toBe(readFileSync(join(fixtureSynth().migrationsDir, MIGRATION_RECORD_FILE), 'utf8'));
    for (const m of creates) expect(readFileSync(join(migrations, m.id), 'utf8')).toBe(m.sql);
    const again = logger();
    expect(lockMesh({ ...options, log: again.log })).toBe(0);
    expect(again.lines.join('\n')).not.toMatch(/wrote/);
    expect(synthesizeMesh({ ...options, outdir: join(work, 'out'), log: logger().log })).toBe(0);
    expect(existsSync(join(work, 'out', 'stacks'))).toBe(true);
    expect(readdirSync(join(migrations, 'customers', 'consent-events.v1', 'audit')).sort()).toEqual(['0001_create.sql', '0002_privileges-v2.sql']);
  });
});
