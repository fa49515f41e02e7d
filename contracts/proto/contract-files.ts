/**
 * Every file synth writes under `cdktf.out/contracts/`: one proto and one
 * JSON Schema per product major version, and a `buf.yaml` (buf's default
 * lint rules) so that `buf lint` and `buf build` run there as they are.
 * Pure: returns the files; the app writes them.
 */
import type { MeshPlan } from '../mesh';
import { jsonSchemaFile } from './json-schema';

/** The folder below the synth output that holds the contracts. */
export const CONTRACTS_OUT_DIR = 'contracts';

/** `buf.yaml` of the generated module: version v2, default (STANDARD) lint and FILE breaking rules. */
export const BUF_YAML = 'version: v2\n';

/** One file to write, relative to `<outdir>/contracts/`. */
export interface ContractFile {
  readonly path: string;
  readonly content: string;
}

/** The files of every product of the plan, sorted by path. */
export function contractFiles(plan: Pick<MeshPlan, 'contracts'>): ContractFile[] {
  const files: ContractFile[] = [{ path: 'buf.yaml', content: BUF_YAML }];
  for (const c of plan.contracts) {
    files.push({ path: c.proto.file, content: c.proto.text });
    files.push({ path: jsonSchemaFile(c.proto.file), content: `${JSON.stringify(c.jsonSchema, null, 2)}\n` });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
