/** Every example product's generated proto passes the real `buf lint` (default rules) and `buf build`. */
import { rmSync } from 'node:fs';
import { discoverProducts } from '../../../contracts/discover';
import { readLocks } from '../../../contracts/lock/lock-store';
import { planMesh } from '../../../contracts/mesh';
import { contractFiles, BUF_YAML } from '../../../contracts/proto/contract-files';
import { ENVIRONMENTS } from '../../../stacks/environments';
import { buf, PROJECT, writeTree } from '../../support/buf';
import { FIXTURE_LOCKS, FIXTURE_PRODUCTS } from '../../helpers';

describe('generated protos of the example products', () => {
  const { entries } = discoverProducts(FIXTURE_PRODUCTS, PROJECT);
  // The committed locks: this also proves they are current (planMesh fails on a missing or stale lock).
  const { locks, problems } = readLocks(FIXTURE_LOCKS, PROJECT);
  const plan = planMesh(entries, ENVIRONMENTS, { locks });
  const dir = writeTree(contractFiles(plan));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the committed locks of all six example products', () => {
    expect(problems).toEqual([]);
    expect([...locks.keys()].sort()).toEqual(plan.products.map((p) => p.id));
  });

  it('covers all six example products', () => {
    expect(plan.contracts.map((c) => c.proto.file)).toEqual([
      'customers/consent_events/v1/consent_events.proto',
      'customers/customer_profile/v1/customer_profile.proto',
      'orders/order_state/v1/order_state.proto',
      'orders/shipment_events/v1/shipment_events.proto',
      'payments/payment_events/v1/payment_events.proto',
      'payments/refund_events/v1/refund_events.proto',
    ]);
  });

  it('pass buf lint with the default rules', () => {
    const r = buf(['lint', '--error-format', 'text'], dir);
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });

  it('pass buf build', () => {
    const r = buf(['build', '-o', '-#format=json'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const image = JSON.parse(r.stdout) as { file: Array<{ name: string; package?: string }> };
    const ours = image.file.filter((f) => !f.name.startsWith('google/'));
    expect(ours.map((f) => f.package).sort()).toEqual(plan.contracts.map((c) => c.proto.package).sort());
  });

  it('fails if a proto breaks the default lint rules (the harness can fail)', () => {
    const bad = writeTree([
      { path: 'buf.yaml', content: BUF_YAML },
      { path: 'payments/bad/v1/bad.proto', content: 'syntax = "proto3";\npackage payments.bad.v1;\nmessage Bad {\n  Colour colour = 1;\n  enum Colour {\n    RED = 0;\n  }\n}\n' },
    ]);
    try {
      const r = buf(['lint', '--error-format', 'text'], bad);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/should be prefixed with "COLOUR_"/);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
