/**
 * Reads a synthesized `cdktf.out` folder: every stack's resources (from
 * `cdk.tf.json`) and `mesh-manifest.json`. Plain files in, plain data out.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ReviewManifest } from './manifest-types';

/** One resource as synthesized. */
export interface SynthResource {
  /** `<type>.<id>` (`data.<type>.<id>` for a data source): the Terraform address. */
  readonly address: string;
  /** A managed resource, or a data source (read only; e.g. `aws_iam_policy_document`). */
  readonly kind: 'resource' | 'data';
  readonly type: string;
  /** The construct path (from the `//` metadata), or the address. */
  readonly path: string;
  /** The configuration without `//`. */
  readonly config: Readonly<Record<string, unknown>>;
}

export interface SynthStack {
  readonly name: string;
  /** By address, sorted. */
  readonly resources: ReadonlyMap<string, SynthResource>;
}

/** A whole synth output. */
export interface SynthOutput {
  /** By stack name, sorted. */
  readonly stacks: ReadonlyMap<string, SynthStack>;
  readonly manifest: ReviewManifest;
}

/** Bad usage or unreadable input: the review exits 2. */
export class ReviewInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReviewInputError';
  }
}

export const EMPTY_MANIFEST: ReviewManifest = { manifestVersion: 0, environments: [], products: [], stacks: [], policy: { findings: [], suppressions: [] }, retired: [] };

/** Nothing: the base of a review of the whole mesh as new. */
export const EMPTY_OUTPUT: SynthOutput = { stacks: new Map(), manifest: EMPTY_MANIFEST };

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ReviewInputError(`cannot read ${what} ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ReviewInputError(`${what} ${file} is not valid JSON: ${(err as Error).message}`);
  }
}

/** Parses one `cdk.tf.json`. */
export function stackFromTerraform(name: string, tf: unknown): SynthStack {
  const resources = new Map<string, SynthResource>();
  const blocks = (tf ?? {}) as { resource?: Record<string, Record<string, Record<string, unknown>>>; data?: Record<string, Record<string, Record<string, unknown>>> };
  for (const kind of ['resource', 'data'] as const) {
    const byType = blocks[kind] ?? {};
    for (const type of Object.keys(byType).sort()) {
      for (const id of Object.keys(byType[type]).sort()) {
        const { ['//']: meta, ...config } = byType[type][id];
        const address = `${kind === 'data' ? 'data.' : ''}${type}.${id}`;
        const path = (meta as { metadata?: { path?: string } } | undefined)?.metadata?.path ?? address;
        resources.set(address, { address, kind, type, path, config });
      }
    }
  }
  return { name, resources: new Map([...resources].sort(([a], [b]) => (a < b ? -1 : 1))) };
}

/** Reads `dir` (a cdktf.out folder); throws {@link ReviewInputError} when it is not one. */
export function readSynthOutput(dir: string): SynthOutput {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ReviewInputError(`${dir} is not a folder; give a cdktf.out folder (run npm run synth first).`);
  const stacksDir = join(dir, 'stacks');
  const manifestFile = join(dir, 'mesh-manifest.json');
  if (!existsSync(stacksDir) && !existsSync(manifestFile)) throw new ReviewInputError(`${dir} holds neither stacks/ nor mesh-manifest.json; is it a cdktf.out folder?`);
  const data = existsSync(manifestFile) ? readJson(manifestFile, 'manifest') : undefined;
  const partial = (data as { partial?: { domains?: string[] } } | undefined)?.partial;
  if (partial) {
    throw new ReviewInputError(`${dir} was synthesized with MESH_DOMAINS=${(partial.domains ?? []).join(',')}: it holds only those domains' stacks, and the review needs every stack. Synthesize it again without MESH_DOMAINS (npm run synth).`);
  }
  const stacks = new Map<string, SynthStack>();
  if (existsSync(stacksDir)) {
    for (const name of readdirSync(stacksDir).sort()) {
      const file = join(stacksDir, name, 'cdk.tf.json');
      if (existsSync(file)) stacks.set(name, stackFromTerraform(name, readJson(file, 'stack')));
    }
  }
  const manifest = data === undefined ? EMPTY_MANIFEST : normaliseManifest(data);
  return { stacks, manifest };
}

/** Fills what older manifests lack, so that a base synthesized before a manifest change still reads. */
export function normaliseManifest(data: unknown): ReviewManifest {
  const m = (data ?? {}) as Partial<ReviewManifest>;
  if (!Array.isArray(m.products) || !Array.isArray(m.stacks)) throw new ReviewInputError('mesh-manifest.json has no products or stacks list.');
  return {
    manifestVersion: m.manifestVersion ?? 1,
    environments: m.environments ?? [],
    products: m.products,
    stacks: m.stacks,
    policy: m.policy ?? { findings: [], suppressions: [] },
    retired: m.retired ?? [],
  };
}
