/**
 * Real synth outputs for review tests: contract files written to a temporary
 * products folder and synthesized by the real `synthesizeMesh`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Retirement } from '../../../contracts/retire/retired';
import { readSynthOutput, type SynthOutput } from '../../../contracts/review/synth-output';
import { lockMesh } from '../../../contracts/lock/lock-mesh';
import { synthesizeMesh } from '../../../stacks/app';
import { ENVIRONMENTS } from '../../../stacks/environments';

const ROOT = resolve(__dirname, '../../..');

/** One contract: overrides of test/helpers' spec(), plus optional schema source code (with `z` in scope). */
export interface Fixture {
  readonly overrides?: Record<string, unknown>;
  readonly schema?: string;
}

export const REFUNDS: Fixture = {
  overrides: { name: 'refund-events', key: 'refundId', retention: { days: 14 }, throughput: { peakMessagesPerSecond: 50, averageMessageBytes: 150 }, consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }] },
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
    // In its domain's folder, as synth requires (the default contract's domain is payments).
    const folder = join(productsDir, String(f.overrides?.domain ?? 'payments'));
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${file}.ts`), [
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
  // Lock the fixtures first (field numbers, partitions), as a team runs `npm run contracts:lock`.
  const quiet = { info: () => undefined, error: (m: string) => errors.push(m) };
  if (lockMesh({ root: work, productsDir, environments: ENVIRONMENTS, log: quiet }) !== 0) throw new Error(`contracts:lock failed:\n${errors.join('\n')}`);
  const code = synthesizeMesh({ root: work, productsDir, outdir, retiredFile, log: { info: () => undefined, error: (m) => errors.push(m) } });
  if (code !== 0) throw new Error(`synth failed:\n${errors.join('\n')}`);
  return { dir: outdir, output: readSynthOutput(outdir) };
}
