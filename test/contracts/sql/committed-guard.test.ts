import { join } from 'node:path';
import { readCommittedMigrations } from '../../../contracts/sql/committed';

const root = join(__dirname, '..', '..', 'fixtures', 'contracts', 'migrations');

describe('committed migrations (guard)', () => {
  const all = readCommittedMigrations(root);

  it('exist', () => {
    expect(all.length).toBeGreaterThan(0);
  });

  it.each(all.map((m) => [m.id, m.sql]))('%s uses allowed operations only', (_id, sql) => {
    expect(sql).not.toMatch(/\bDROP\s+(TABLE|COLUMN|SCHEMA|ROLE)\b/i);
    expect(sql).not.toMatch(/\bALTER\s+COLUMN\s+\S+\s+(SET\s+DATA\s+)?TYPE\b/i);
    expect(sql).not.toMatch(/\bTRUNCATE\b|\bDELETE\s+FROM\b|\bUPDATE\s+\S+\s+SET\b/i);
    expect(sql).not.toMatch(/PASSWORD/i);
  });
});
