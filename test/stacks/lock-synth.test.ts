/**
 * End to end on disk: `contracts:lock` then synth. An incompatible change
 * fails both with the remedy; the next major version beside it, once locked,
 * synthesizes both topics.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockMesh } from '../../contracts/lock/lock-mesh';
import { synthesizeMesh } from '../../stacks/app';
import { dev, FIXTURE_PRODUCTS, prod } from '../helpers';
import { PROJECT } from '../support/buf';

const ENVS = [dev, prod];

function logger() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => lines.push(m), error: (m: string) => lines.push(m) } };
}

describe('contracts:lock and synth', () => {
  // Inside the project (git-ignored .cache) so that product files can import the DSL.
  mkdirSync(join(PROJECT, '.cache'), { recursive: true });
  const root = mkdtempSync(join(PROJECT, '.cache', 'lock-synth-'));
  const locks = join(root, 'contracts', 'locks');
  const out = join(root, 'cdktf.out');
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const original = readFileSync(join(FIXTURE_PRODUCTS, 'payments', 'payment-events.ts'), 'utf8').replace("from '../../index'", `from ${JSON.stringify(join(PROJECT, 'contracts', 'index'))}`);
  // Product files are loaded with require(), which caches them: every step writes its products to a fresh folder.
  let step = 0;
  let products = '';
  const write = (files: Record<string, string>) => {
    products = join(root, `products-${++step}`);
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(join(products, 'payments'), { recursive: true });
      writeFileSync(join(products, 'payments', name), content);
    }
  };
  write({ 'payment-events.ts': original });
  const lock = () => { const l = logger(); return { code: lockMesh({ root, productsDir: products, locksDir: locks, environments: ENVS, log: l.log }), out: l.lines.join('\n') }; };
  const synth = () => { const l = logger(); return { code: synthesizeMesh({ root, productsDir: products, locksDir: locks, outdir: out, environments: ENVS, log: l.log }), out: l.lines.join('\n') }; };

  it('synth fails without a lock, naming the product and npm run contracts:lock', () => {
    const r = synth();
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/payments\/payment-events@v1: \(lock\): the contract has no lock.*npm run contracts:lock/);
  });

  it('contracts:lock creates the lock; synth then passes and never writes a lock', () => {
    expect(lock().code).toBe(0);
    const lockFile = join(locks, 'payments', 'payment-events.v1.lock.json');
    const before = readFileSync(lockFile, 'utf8');
    expect(synth().code).toBe(0);
    expect(readFileSync(lockFile, 'utf8')).toBe(before);
    expect(existsSync(join(out, 'contracts', 'payments', 'payment_events', 'v1', 'payment_events.proto'))).toBe(true);
    expect(existsSync(join(out, 'contracts', 'payments', 'payment_events', 'v1', 'payment_events.schema.json'))).toBe(true);
    expect(lock().out).toMatch(/0 locks written, 1 up to date/);
  });

  it('an incompatible change fails contracts:lock and synth with the remedy', () => {
    write({ 'payment-events.ts': original.replace("'REFUNDED', ", '') });
    const l = lock();
    expect(l.code).toBe(1);
    expect(l.out).toMatch(/schema\.status: enum value "REFUNDED" was removed.*payment-events\.v2\.ts with version: 2.*payments\.payment-events\.v2/);
    expect(l.out).toMatch(/no lock was written/);
    const s = synth();
    expect(s.code).toBe(1);
    expect(s.out).toMatch(/schema\.status: enum value "REFUNDED" was removed.*payment-events\.v2\.ts with version: 2/);
    expect(existsSync(out)).toBe(false);
  });

  const v2 = original.replace("'REFUNDED', ", '').replace('version: 1,', 'version: 2,').replace('paymentEvents', 'paymentEventsV2');

  it('the next major version beside the old one, once locked, synthesizes both topics', () => {
    write({ 'payment-events.ts': original, 'payment-events.v2.ts': v2 });
    expect(synth().out).toMatch(/payment-events@v2: \(lock\): the contract has no lock/);
    expect(lock().code).toBe(0);
    expect(synth().code).toBe(0);
    const tf = readFileSync(join(out, 'stacks', 'payments-prod', 'cdk.tf.json'), 'utf8');
    expect(tf).toContain('"name": "payments.payment-events.v1"');
    expect(tf).toContain('"name": "payments.payment-events.v2"');
  });

  it('an accepted change makes the lock stale until contracts:lock appends it', () => {
    write({ 'payment-events.ts': original.replace('merchantId: z.string().max(64),', 'merchantId: z.string().max(64),\n    channel: z.string().max(20).optional(),'), 'payment-events.v2.ts': v2 });
    const s = synth();
    expect(s.code).toBe(1);
    expect(s.out).toMatch(/payment-events@v1: \(lock\): the contract differs from the last shape in its lock \(the lock is stale\).*npm run contracts:lock/);
    expect(lock().code).toBe(0);
    expect(synth().code).toBe(0);
    const history = JSON.parse(readFileSync(join(locks, 'payments', 'payment-events.v1.lock.json'), 'utf8')).history;
    expect(history).toHaveLength(2);
  });
});
