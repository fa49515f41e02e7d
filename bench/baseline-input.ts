/**
 * Writes the hand-written baseline's input (`bench-resources.json`): the
 * literal resources the mesh app synthesized for a set of contracts, read
 * back from its `cdktf.out` — every stack's backend, providers, remote
 * states, resources (Terraform type, construct path, binding props),
 * assets, outputs and annotations. It runs once per size, outside the timed
 * runs; the bench then checks that both apps synthesize byte-identical
 * stacks, so the comparison is like with like.
 *
 * Terraform JSON → binding props is mechanical: attribute names in
 * snake_case become the bindings' camelCase, except the keys inside map
 * attributes (tags, topic config, environment variables, alarm dimensions,
 * invocation triggers), which stay as they are.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BaselineAnnotation, BaselineAsset, BaselineEphemeral, BaselineInput, BaselineOutput, BaselineRemoteState, BaselineResource, BaselineStack, BaselineVariable, Literal } from './hand-written/input';

/** Attributes whose value is a map: their keys are data, not attribute names. */
const MAP_ATTRIBUTES = new Set(['tags', 'tags_all', 'config', 'variables', 'dimensions', 'triggers']);
/** Resource keys the app sets other than through props. */
const META = new Set(['//', 'depends_on', 'provider']);

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Terraform JSON → binding props. */
function props(value: unknown, map = false): Literal {
  if (Array.isArray(value)) return value.map((v) => props(v));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Literal> = {};
    for (const [k, v] of Object.entries(value)) out[map ? k : camel(k)] = map ? (v as Literal) : props(v, MAP_ATTRIBUTES.has(k));
    return out;
  }
  return value as Literal;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function fail(stack: string, what: string): never {
  throw new Error(`bench/baseline-input.ts: ${stack}: ${what} — the mesh synthesizes something the baseline does not know yet; extend bench/baseline-input.ts and bench/hand-written/main.ts.`);
}

/** The resources of one stack, parents and dependencies first. */
function resources(name: string, tf: Json): BaselineResource[] {
  type Node = { ref: string; type: string; path: string; body: Json };
  const nodes: Node[] = [];
  for (const [type, byId] of Object.entries((tf.resource ?? {}) as Json)) {
    for (const [id, body] of Object.entries(byId as Json)) {
      const path = String(body['//']?.metadata?.path ?? fail(name, `${type}.${id} has no construct path`));
      if (!path.startsWith(`${name}/`)) fail(name, `${type}.${id} is outside its stack (${path})`);
      for (const k of ['count', 'for_each', 'connection', 'provisioner']) if (k in body) fail(name, `${type}.${id} uses ${k}`);
      nodes.push({ ref: `${type}.${id}`, type, path: path.slice(name.length + 1), body });
    }
  }
  const byRef = new Map(nodes.map((n) => [n.ref, n]));
  const byPath = new Map(nodes.map((n) => [n.path, n]));
  const order: Node[] = [];
  const state = new Map<Node, 'visiting' | 'done'>();
  const visit = (n: Node) => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'visiting') fail(name, `dependency cycle at ${n.ref}`);
    state.set(n, 'visiting');
    const parts = n.path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = byPath.get(parts.slice(0, i).join('/'));
      if (parent) visit(parent);
    }
    for (const d of (n.body.depends_on ?? []) as string[]) visit(byRef.get(d) ?? fail(name, `${n.ref} depends on ${d}, which is not a resource of the stack`));
    state.set(n, 'done');
    order.push(n);
  };
  nodes.forEach(visit);
  const index = new Map(order.map((n, i) => [n.ref, i]));
  return order.map((n) => {
    const p: Record<string, Literal> = {};
    for (const [k, v] of Object.entries(n.body)) if (!META.has(k)) p[camel(k)] = props(v, MAP_ATTRIBUTES.has(k));
    const r: BaselineResource = { type: n.type, path: n.path, props: p };
    return {
      ...r,
      ...(n.body.provider ? { provider: String(n.body.provider) } : {}),
      ...(n.body.depends_on ? { dependsOn: (n.body.depends_on as string[]).map((d) => index.get(d) as number) } : {}),
    };
  });
}

/**
 * The baseline's input for the mesh app's output `meshOut` (its `cdktf.out`).
 * The folders of assets are unzipped below `handDir/bench-assets/`, so the
 * baseline zips the same files at synth, as the mesh does.
 */
export function baselineInput(meshOut: string, handDir: string): BaselineInput {
  const manifest = JSON.parse(readFileSync(join(meshOut, 'manifest.json'), 'utf8')) as Json;
  const stacks: BaselineStack[] = [];
  for (const [name, entry] of Object.entries(manifest.stacks as Json)) {
    if ((entry.dependencies ?? []).length) fail(name, 'cross-stack dependencies');
    const tf = JSON.parse(readFileSync(join(meshOut, entry.synthesizedStackPath), 'utf8')) as Json;
    for (const k of Object.keys(tf)) if (!['//', 'terraform', 'provider', 'variable', 'resource', 'data', 'output', 'ephemeral'].includes(k)) fail(name, `top-level block ${k}`);
    const overrides = tf['//']?.metadata?.overrides;
    const [backendType, backendBody] = Object.entries(tf.terraform.backend as Json)[0];
    const { use_lockfile: useLockfile, ...backendConfig } = backendBody as Json;
    if (overrides && JSON.stringify(overrides) !== JSON.stringify({ stack: ['terraform'] })) fail(name, `overrides ${JSON.stringify(overrides)}`);
    const requiredVersion = (tf.terraform as Json).required_version as string | undefined;
    if (Boolean(overrides) !== Boolean(useLockfile || requiredVersion)) fail(name, 'an override other than use_lockfile and required_version');
    const providers: Record<string, Record<string, Literal>> = {};
    for (const [p, configs] of Object.entries((tf.provider ?? {}) as Json)) {
      if ((configs as Json[]).length !== 1 || (configs as Json[])[0].alias) fail(name, `provider ${p} is aliased or declared twice`);
      providers[p] = props((configs as Json[])[0]) as Record<string, Literal>;
    }
    const remoteStates: BaselineRemoteState[] = [];
    for (const [type, byId] of Object.entries((tf.data ?? {}) as Json)) {
      if (type !== 'terraform_remote_state') fail(name, `data source ${type}`);
      for (const [id, body] of Object.entries(byId as Json)) remoteStates.push({ id, backend: body.backend, config: props(body.config) as Record<string, Literal> });
    }
    const variables: BaselineVariable[] = Object.entries((tf.variable ?? {}) as Json).map(([id, v]) => {
      for (const k of Object.keys(v)) if (!['type', 'description', 'sensitive', 'nullable'].includes(k)) fail(name, `variable ${id} has ${k}`);
      return { id, ...v };
    });
    const outputs: BaselineOutput[] = Object.entries((tf.output ?? {}) as Json).map(([id, o]) => {
      for (const k of Object.keys(o)) if (!['value', 'description', 'sensitive'].includes(k)) fail(name, `output ${id} has ${k}`);
      return { id, value: o.value, ...(o.description !== undefined ? { description: o.description } : {}), ...(o.sensitive !== undefined ? { sensitive: o.sensitive } : {}) };
    });
    const ephemerals: BaselineEphemeral[] = [];
    for (const [type, byId] of Object.entries((tf.ephemeral ?? {}) as Json)) {
      // Keyed by `<construct path joined by _>_<hash>`: the mesh's construct IDs have no underscores.
      for (const [uid, body] of Object.entries(byId as Json)) ephemerals.push({ type, path: uid.split('_').slice(0, -1).join('/'), body });
    }
    const assets: BaselineAsset[] = [];
    const assetsDir = join(meshOut, entry.workingDirectory, 'assets');
    if (existsSync(assetsDir)) {
      for (const uid of readdirSync(assetsDir)) {
        // `<construct path joined by _>_<hash>`: the mesh's construct IDs have no underscores.
        const path = uid.split('_').slice(0, -1).join('/');
        for (const hash of readdirSync(join(assetsDir, uid))) {
          const files = readdirSync(join(assetsDir, uid, hash));
          if (files.join() !== 'archive.zip') fail(name, `asset ${uid} is not a zipped folder`);
          const source = join('bench-assets', name, uid);
          mkdirSync(join(handDir, source), { recursive: true });
          execFileSync('unzip', ['-q', '-o', join(assetsDir, uid, hash, 'archive.zip'), '-d', join(handDir, source)]);
          assets.push({ path, source });
        }
      }
    }
    const annotations: BaselineAnnotation[] = ((entry.annotations ?? []) as Json[]).map((a) => {
      if (!String(a.constructPath).startsWith(`${name}/`)) fail(name, `annotation on ${a.constructPath}`);
      return { path: String(a.constructPath).slice(name.length + 1), level: a.level, message: a.message };
    });
    stacks.push({
      name,
      backend: { type: backendType as 'local' | 's3', config: props(backendConfig) as Record<string, Literal>, useLockfile: Boolean(useLockfile) },
      ...(requiredVersion ? { requiredVersion } : {}),
      providers,
      remoteStates,
      variables,
      resources: resources(name, tf),
      ephemerals,
      assets,
      outputs,
      annotations,
    });
  }
  return { stacks };
}
