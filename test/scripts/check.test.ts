/** `npm run check` on a copy of the fixture contracts: one line per check, every problem with its fix, exit 1 on any. */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bufLint, checkMesh } from '../../scripts/check';
import { copyExampleContracts } from '../helpers';

const ROOT = resolve(__dirname, '../..');

function check(work: string): { code: number; out: string } {
  const lines: string[] = [];
  const code = checkMesh({ root: ROOT, productsDir: join(work, 'products'), retiredFile: join(work, 'retired.json'), log: { info: (m) => lines.push(m), error: (m) => lines.push(m) } });
  return { code, out: lines.join('\n') };
}

describe('npm run check', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'mesh-check-'));
    copyExampleContracts(work);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('passes on a sound mesh, with one line per check', () => {
    const r = check(work);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/: 6 data products in 3 domains/);
    expect(r.out).toMatch(/✔ contracts and locks: every contract is valid, locked, and its lock is up to date/);
    // 3 domains × dev, prod and local; platform-dev, platform-prod; identities-dev, identities-prod, identities-local
    expect(r.out).toMatch(/✔ synth and policy: 14 stacks; no policy error/);
    expect(r.out).toMatch(/✔ buf lint: 6 generated proto files pass/);
    expect(r.out).toMatch(/✔ migrations: 6 committed, each one as contracts:lock wrote it; none missing \(6 needed by the sink tables\)/);
    expect(r.out).toMatch(/contract-mesh check: passed \(4 checks\)\.$/);
  });

  it('fails if a lock is stale, naming the product and the command, and skips what needs the contracts', () => {
    const file = join(work, 'products', 'payments', 'refund-events.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('refundId: z.uuid(),', 'refundId: z.uuid(),\n    channel: z.string().max(10).optional(),'));
    const r = check(work);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✖ contracts and locks: 1 problem\n\s+✖ payments\/refund-events@v1: \(lock\): .*stale.*Fix: run `npm run contracts:lock`/);
    expect(r.out).toMatch(/– synth and policy: skipped/);
    expect(r.out).toMatch(/contract-mesh check: FAILED \(contracts and locks\)/);
  });

  it('fails if a committed migration was edited, naming the file under migrations, and skips synth', () => {
    appendFileSync(join(work, 'migrations', 'payments', 'payment-events.v1', 'ledger', '0001_create.sql'), 'GRANT rds_superuser TO "payments__ledger";\n');
    const r = check(work);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✔ contracts and locks/);
    expect(r.out).toMatch(/✖ migrations: 1 problem\n\s+✖ [^\n]*migrations\/payments\/payment-events\.v1\/ledger\/0001_create\.sql: \(migration\): the migration was edited after `npm run contracts:lock` wrote it/);
    expect(r.out).toMatch(/– synth and policy: skipped: fix the migrations first/);
    expect(r.out).toMatch(/FAILED \(migrations\)/);
  });

  it('fails if synth fails, with synth\'s own message', () => {
    // The sink table's migrations are gone, record and all (as if never written): synth refuses the table.
    rmSync(join(work, 'migrations', 'orders'), { recursive: true });
    const record = join(work, 'migrations', 'checksums.json');
    const data = JSON.parse(readFileSync(record, 'utf8'));
    for (const id of Object.keys(data.migrations)) if (id.startsWith('orders/')) delete data.migrations[id];
    writeFileSync(record, JSON.stringify(data));
    const r = check(work);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✖ synth and policy: synth failed\n.*\n.*✖ orders\/order-state@v1: consumers\.analytics\.sink: the sink table .* lacks committed migrations/);
    expect(r.out).toMatch(/– buf lint: skipped/);
    expect(r.out).toMatch(/✖ migrations: \d+ problems?\n[^\n]*order-state\.v1\/analytics\/0001_create\.sql: \(migration\): the migration is missing: a shape in its product's lock history needs it\./);
  });

  it('fails if the protos fail buf lint, with buf\'s output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mesh-check-buf-'));
    writeFileSync(join(dir, 'buf.yaml'), 'version: v2\n');
    writeFileSync(join(dir, 'bad.proto'), 'syntax = "proto3";\nmessage bad_name { string X = 1; }\n');
    const r = bufLint(dir, join(ROOT, '.cache'));
    rmSync(dir, { recursive: true, force: true });
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/bad\.proto:2:9:Message name "bad_name" should be PascalCase/);
  });
});
