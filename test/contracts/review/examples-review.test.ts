/** The example mesh: a format guard for the full review, and the "done when" on a real example. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { reviewMesh } from '../../../contracts/review/review';
import { EMPTY_OUTPUT, readSynthOutput } from '../../../contracts/review/synth-output';
import { synthesizeMesh } from '../../../stacks/app';
import { copyExampleContracts } from '../../helpers';

const root = resolve(__dirname, '../../..');
const quiet = { info: () => undefined, error: () => undefined };

/**
 * Synthesizes a copy of the example products, minus `without` — its file and its lock, since synth refuses a lock
 * without its contract: the review is the guard for a change that deletes both — into a fresh folder.
 */
function synthExamples(without?: string): string {
  const work = mkdtempSync(join(tmpdir(), 'examples-review-'));
  const products = copyExampleContracts(work);
  if (without) {
    rmSync(join(products, without));
    rmSync(join(work, 'locks', without.replace(/\.ts$/, '.v1.lock.json')));
  }
  const outdir = join(work, 'cdktf.out');
  expect(synthesizeMesh({ root, productsDir: products, outdir, retiredFile: join(work, 'retired.json'), log: quiet })).toBe(0);
  return outdir;
}

it("the examples' full review keeps its format", () => {
  const review = reviewMesh(EMPTY_OUTPUT, readSynthOutput(synthExamples()), { headLabel: 'examples' }, false);
  expect(review.exitCode).toBe(0);
  // the sinks' migrations and lineage come from the manifest
  expect(review.markdown).toMatch(/- `payments\/payment-events\.v1\/ledger\/0001_create\.sql`: creates its sink table/);
  expect(review.markdown).toMatch(/U_ledger_sink -->\|"➕"\| S_payments_payment_events_v1__ledger/);
  expect(review.markdown).toMatchSnapshot();
});

it('fails if an example prod contract is deleted without retiring it: its topics in the danger list, exit 1', () => {
  const base = readSynthOutput(synthExamples());
  const head = readSynthOutput(synthExamples('orders/shipment-events.ts'));
  const review = reviewMesh(base, head);
  expect(review.exitCode).toBe(1);
  expect(review.dangers.filter((d) => d.level === 'error').map((d) => `${d.stack}: ${d.message.split(':')[0]}`).sort()).toEqual([
    // its producer and one consumer are named by no other contract: their SCRAM identities go too
    'identities-prod: aws_secretsmanager_secret at identities-prod/carrier-gateway/Secret is destroyed',
    'identities-prod: aws_secretsmanager_secret at identities-prod/tracking-page/Secret is destroyed',
    'orders-prod: topic "orders.shipment-events.v1" is destroyed',
    'orders-prod: topic "orders.shipment-events.v1.dlq" is destroyed',
  ]);
});
