/**
 * What synth and `contracts:lock` refuse so that nothing is destroyed silently and every migration is what the
 * generator wrote (docs/data-safety.md) — on a copy of the fixture contracts, through the real `synthesizeMesh`
 * and `lockMesh`. Lock and synth run one shared set of checks: each case checks both.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockMesh } from '../../contracts/lock/lock-mesh';
import { reviewMesh } from '../../contracts/review/review';
import { EMPTY_OUTPUT, readSynthOutput } from '../../contracts/review/synth-output';
import { synthesizeMesh } from '../../stacks/app';
import { ENVIRONMENTS } from '../../stacks/environments';
import { copyExampleContracts, FIXTURE_MIGRATIONS } from '../helpers';

let work: string;
let products: string;
let out: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'data-safety-'));
  products = copyExampleContracts(work);
  out = join(work, 'cdktf.out');
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

/** Runs synth (root: the copy, so files are named `products/…`, `locks/…`, `migrations/…`); exit code and output. */
function synth(): { code: number; output: string } {
  const lines: string[] = [];
  const code = synthesizeMesh({ root: work, productsDir: products, outdir: out, log: { info: (m) => lines.push(m), error: (m) => lines.push(m) } });
  return { code, output: lines.join('\n') };
}

function lock(): { code: number; output: string } {
  const lines: string[] = [];
  const code = lockMesh({ root: work, productsDir: products, environments: ENVIRONMENTS, log: { info: (m) => lines.push(m), error: (m) => lines.push(m) } });
  return { code, output: lines.join('\n') };
}

/** Both fail, each with every expected line, and synth leaves no output behind. */
function bothFail(...patterns: RegExp[]): void {
  const s = synth();
  const l = lock();
  expect(s.code).toBe(1);
  expect(l.code).toBe(1);
  for (const p of patterns) {
    expect(s.output).toMatch(p);
    expect(l.output).toMatch(p);
  }
  expect(existsSync(out)).toBe(false);
}

const retire = (id: string) => writeFileSync(join(work, 'retired.json'), JSON.stringify([{ id, reason: 'moved to the new profile service', by: 'ana' }]));
const edit = (file: string, from: string, to: string) => {
  const path = join(products, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
};

describe('nothing is destroyed silently', () => {
  it('fails synth and lock if a locked product has no contract file and is not retired, naming both remedies; passes once retired', () => {
    rmSync(join(products, 'customers', 'customer-profile.ts'));
    bothFail(
      /✖ customers\/customer-profile@v1 \(locks\/customers\/customer-profile\.v1\.lock\.json\): \(lock\): the product has a lock but no contract file: no file under products\/ declares it, and retired\.json does not retire it\./,
      /Fix: restore its contract file in products\/customers\/ \(e\.g\. from git\), or, to delete the product and its data on purpose, run `npm run contracts:retire -- customers\/customer-profile@v1 --reason "…"` and commit retired\.json\./,
    );
    retire('customers/customer-profile@v1');
    expect(lock().code).toBe(0);
    const s = synth();
    expect(s.code).toBe(0);
    expect(readFileSync(join(out, 'stacks', 'customers-prod', 'cdk.tf.json'), 'utf8')).not.toContain('customers.customer-profile.v1');
  });

  it('does not call a lock orphaned while its file does not load or declares no valid id: the file\u2019s own problem is reported', () => {
    edit('customers/customer-profile.ts', "domain: 'customers'", "domain: 'cústomers'");
    edit('orders/order-state.ts', "kind: 'entity',", "kind: 'entity',,");
    const s = synth();
    expect(s.code).toBe(1);
    expect(s.output).toMatch(/domain: "cústomers" is not a lower-case kebab-case name .* e\.g\. "customers"/);
    expect(s.output).toMatch(/products\/orders\/order-state\.ts: \(file\): the file does not compile: products\/orders\/order-state\.ts:\d+:\d+: Expected identifier but found ","/);
    expect(s.output).not.toMatch(/has a lock but no contract file/);
  });

  it('warns if a retired version still has its file: synth leaves it out and says to delete it', () => {
    retire('customers/consent-events@v1');
    const s = synth();
    expect(s.code).toBe(0);
    expect(s.output).toMatch(/warning: customers\/consent-events@v1 \(products\/customers\/consent-events\.ts\) is retired in retired\.json, so synth leaves it out and its resources are removed\. Delete the file; a product that comes back needs the next major version \(version: 2\)\./);
  });

  it('fails synth and lock if a product file is outside its domain\u2019s folder, naming the folder it belongs in', () => {
    const source = readFileSync(join(products, 'orders', 'shipment-events.ts'), 'utf8')
      .replace("domain: 'orders'", "domain: 'logistics'").replace("name: 'shipment-events'", "name: 'van-routes'").replace('shipmentEvents', 'vanRoutes');
    writeFileSync(join(products, 'orders', 'van-routes.ts'), source);
    bothFail(/✖ logistics\/van-routes@v1 \(products\/orders\/van-routes\.ts\): domain: the file declares domain "logistics" but is in the folder of domain "orders";.* Fix: move it to products\/logistics\/van-routes\.ts/);
  });
});

describe('capacity once partitions are locked', () => {
  it('warns in synth and in the review when the throughput grows past the locked partitions: both numbers and the remedy', () => {
    edit('payments/payment-events.ts', 'peakMessagesPerSecond: 2000', 'peakMessagesPerSecond: 8000');
    const s = synth();
    expect(s.code).toBe(0);
    const warning = /warning: payments-prod: payments\/payment-events@v1 in prod: the contract's throughput now derives 16 partitions \([^)]*\), but the lock keeps 4 \(fixed at v1's first lock\); .* To carry it, add partitions: \{ grow: \{ prod: 16 \} \} to the contract and run `npm run contracts:lock`/;
    expect(s.output).toMatch(warning);
    expect(lock()).toEqual({ code: 0, output: expect.stringMatching(warning) });
    const review = reviewMesh(EMPTY_OUTPUT, readSynthOutput(out), {}, false);
    expect(review.markdown).toMatch(/### Synth warnings\n\n(- .*\n)*- ⚠️ `payments-prod`: payments\/payment-events@v1 in prod: the contract's throughput now derives 16 partitions .*but the lock keeps 4/);
  });

  it('fails if maxTasks exceeds the locked partitions in prod, with a remedy that works after locking', () => {
    edit('payments/payment-events.ts', 'maxTasks: 4', 'maxTasks: 10');
    bothFail(/consumers\[0\]\.deployment\.maxTasks: in prod: consumer ledger asks for maxTasks 10, but topic payments\.payment-events\.v1 has 4 partitions in prod; .* Fix: set maxTasks to 4 or fewer; for more tasks the topic needs more partitions, which the lock keeps fixed: add partitions: \{ grow: \{ prod: 10 \} \} to the contract/);
    // The remedy, as printed.
    edit('payments/payment-events.ts', "classification: 'internal',", "classification: 'internal',\n  partitions: { grow: { prod: 10 } },");
    expect(lock().code).toBe(0);
    expect(synth().code).toBe(0);
    const tf = JSON.parse(readFileSync(join(out, 'stacks', 'payments-prod', 'cdk.tf.json'), 'utf8'));
    expect(Object.values(tf.resource.kafka_topic as Record<string, { name: string; partitions: number }>).find((t) => t.name === 'payments.payment-events.v1')?.partitions).toBe(10);
  });
});

describe('migrations are what the generator wrote', () => {
  const ledger = (file: string) => join(work, 'migrations', 'payments', 'payment-events.v1', 'ledger', file);

  it('fails synth and lock if a migration was added by hand, naming the file', () => {
    writeFileSync(ledger('0002_x.sql'), 'GRANT rds_superuser TO payments__ledger;\n');
    bothFail(/✖ migrations\/payments\/payment-events\.v1\/ledger\/0002_x\.sql: \(migration\): the migration was not written by `npm run contracts:lock` \(it is not in migrations\/checksums\.json\), yet the migration function would run it as the database's master user\. Fix: delete it/);
  });

  it('fails synth and lock if a committed migration was edited, naming the file', () => {
    appendFileSync(ledger('0001_create.sql'), 'GRANT rds_superuser TO payments__ledger;\n');
    bothFail(/✖ migrations\/payments\/payment-events\.v1\/ledger\/0001_create\.sql: \(migration\): the migration was edited after `npm run contracts:lock` wrote it \(SHA-256 [0-9a-f]{12}…, recorded [0-9a-f]{12}… in migrations\/checksums\.json\)\..* Fix: restore it from git \(git checkout -- migrations\/payments\/payment-events\.v1\/ledger\/0001_create\.sql\)/);
  });

  it('fails synth and lock if a recorded migration is missing, naming the file', () => {
    rmSync(ledger('0001_create.sql'));
    bothFail(/✖ migrations\/payments\/payment-events\.v1\/ledger\/0001_create\.sql: \(migration\): the migration is recorded in migrations\/checksums\.json \(`npm run contracts:lock` wrote it\) but the file is missing\./);
  });

  it('records what contracts:lock writes; migrations from before the record are recorded only when the generator writes the same bytes', () => {
    rmSync(join(work, 'migrations', 'checksums.json'));
    const s = synth();
    expect(s.code).toBe(1);
    expect(s.output).toMatch(/migrations\/payments\/payment-events\.v1\/ledger\/0001_create\.sql: \(migration\): the migration was not written by `npm run contracts:lock`.*If the file predates migrations\/checksums\.json, run `npm run contracts:lock`/);
    expect(lock().code).toBe(0);
    expect(readFileSync(join(work, 'migrations', 'checksums.json'), 'utf8')).toBe(readFileSync(join(FIXTURE_MIGRATIONS, 'checksums.json'), 'utf8'));
    expect(synth().code).toBe(0);
    // a new shape of a sink product: lock writes its migration and records it
    edit('payments/payment-events.ts', 'merchantId: z.string().max(64),', 'merchantId: z.string().max(64),\n    channel: z.string().max(20).optional(),');
    expect(lock().code).toBe(0);
    const record = JSON.parse(readFileSync(join(work, 'migrations', 'checksums.json'), 'utf8')).migrations as Record<string, string>;
    // numbered after the table's last committed file (0001_create, 0002_privileges-v2)
    expect(Object.keys(record)).toContain('payments/payment-events.v1/ledger/0003_shape-2.sql');
    expect(existsSync(ledger('0003_shape-2.sql'))).toBe(true);
    expect(synth().code).toBe(0);
  });
});
