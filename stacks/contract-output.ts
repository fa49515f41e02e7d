/**
 * Writes the contract artifacts of a plan (protos, JSON Schemas, buf.yaml)
 * under `<outdir>/contracts/`. Called by `synthesizeMesh` into the partial
 * output, before it is moved into place.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONTRACTS_OUT_DIR, contractFiles } from '../contracts/proto/contract-files';
import type { MeshPlan } from '../contracts/mesh';

/** Writes every contract file of `plan` below `<outdir>/contracts/`; returns the paths written. */
export function writeContractFiles(outdir: string, plan: Pick<MeshPlan, 'contracts'>): string[] {
  const written: string[] = [];
  const made = new Set<string>();
  for (const f of contractFiles(plan)) {
    const path = join(outdir, CONTRACTS_OUT_DIR, f.path);
    const dir = dirname(path);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    writeFileSync(path, f.content);
    written.push(path);
  }
  return written;
}
