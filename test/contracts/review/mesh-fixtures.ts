/**
 * Real synth outputs for review tests: contract files written to a temporary
 * products folder and synthesized by the real `synthesizeMesh`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Retirement } from '../../../contracts/retire/retired';
import { readSynthOutput, type SynthOutput } from '../../../contracts/review/synth-output';
import { synthesizeMesh } from '../../../stacks/app';

const ROOT = resolve(__dirname, '../../..');

/** One contract: overrides of test/helpers' spec(), plus optional schema source code (with `z` in scope). */
export interface Fixture {
  readonly overrides?: Record<string, unknown>;
  readonly schema?: string;
}

export const REFUNDS: Fixture = {
  overrides: { name: 'refund-events', key: 'refundId', retention: { days: 14 }, throughput: { peakMessagesPerSecond: 50, averageMessageBytes: 300 }, consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }] },
  schema: 'z.object({ refundId: z.uuid(), paymentId: z.uuid(), amountMinor: z.int().nonnegative(), occurredAt: z.iso.datetime() })',
};
export const PAYMENTS: Fixture = {};

/** Synthesizes the products (and retirements) into a fresh folder; returns it read back. */
export function synth(products: Readonly<Record<string, Fixture>>, retired: readonly Retirement[] = []): { dir: string; output: SynthOutput } {
  const work = mkdtempSync(join(tmpdir(), 'mesh-review-'));
  const productsDir = join(work, 'products');
  mkdirSync(productsDir);
  for (const [file, f] of Object.entries(products)) {
    const overrides = JSON.stringify(f.overrides ?? {});
    writeFileSync(join(productsDir, `${file}.ts`), [
      `import { defineDataProduct, z } from ${JSON.stringify(join(ROOT, 'contracts/index'))};`,
      `import { spec } from ${JSON.stringify(join(ROOT, 'test/helpers'))};`,
      'void z;',
      `export const product = defineDataProduct(spec({ ...${overrides}${f.schema ? `, schema: ${f.schema}` : ''} }));`,
      '',
    ].join('\n'));
  }
  const retiredFile = join(work, 'retired.json');
  writeFileSync(retiredFile, JSON.stringify(retired));
  const outdir = join(work, 'cdktf.out');
  const errors: string[] = [];
  const code = synthesizeMesh({ root: work, productsDir, outdir, retiredFile, log: { info: () => undefined, error: (m) => errors.push(m) } });
  if (code !== 0) throw new Error(`synth failed:\n${errors.join('\n')}`);
  return { dir: outdir, output: readSynthOutput(outdir) };
}
