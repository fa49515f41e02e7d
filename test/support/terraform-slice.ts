/**
 * The AWS slice of a synthesized stack, and a real (offline) terraform to
 * validate and plan it.
 *
 * This machine image carries terraform and a filesystem mirror with only
 * hashicorp/aws (see shared/facts/TOOLCHAIN.md); the Kafka, PostgreSQL and
 * random providers cannot be installed. So a stack's `cdk.tf.json` is cut down
 * to what that terraform can check:
 *
 * - every resource, data source and ephemeral resource whose type is not
 *   `aws_*` is removed, and so is every non-AWS provider and required provider;
 * - `data.terraform_remote_state` (another stack's outputs) is removed: the
 *   "stub" is that every reference to it becomes a placeholder;
 * - for `plan`, AWS ephemeral resources are removed too: Terraform opens them
 *   while planning, which calls the AWS API (e.g. GetRandomPassword) — and this
 *   check must never reach AWS. `validate` still sees them;
 * - every reference to something removed becomes an ARN-shaped placeholder
 *   string (`arn:aws:stub:…`), so AWS-side ARN validators accept it; a
 *   `depends_on` entry naming something removed is dropped;
 * - the backend is forced to `local` (a path in the temp directory) and the
 *   aws provider gets `skip_credentials_validation`, `skip_requesting_account_id`,
 *   `skip_metadata_api_check` and dummy keys, so a plan of resources that only
 *   need creating makes no AWS call.
 *
 * Placeholders are strings: an AWS attribute fed a list or number from a
 * non-AWS resource or another stack would not survive the slice (none is).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The mirror of this machine image. */
export const TF_MIRROR = '/opt/tf-plugins';
const AWS_SOURCE = 'registry.terraform.io/hashicorp/aws';

type Json = Record<string, any>;

/** What the slice removed and how many AWS resources remain (each synthesized without count/for_each). */
export interface AwsSlice {
  readonly config: Json;
  /** Addresses removed (`kafka_topic.x`, `data.terraform_remote_state.platform`, `provider.kafka`, …). */
  readonly removed: readonly string[];
  /** The number of resource blocks left: what `terraform plan` must add against empty state. */
  readonly resourceCount: number;
}

export interface SliceOptions {
  /** The local state file the backend is forced to. */
  readonly statePath: string;
  /** Remove AWS ephemeral resources too (needed for an offline plan). @default false */
  readonly dropEphemeral?: boolean;
}

/** A placeholder for a removed address: a syntactically valid ARN that names what it stands for. */
export function placeholderFor(address: string): string {
  return `arn:aws:stub:eu-west-1:000000000000:${address.replace(/[^A-Za-z0-9_.\-/]/g, '_').replace(/\./g, '/')}`;
}

/** Cuts a synthesized `cdk.tf.json` down to its AWS slice. Never mutates the input. */
export function awsSlice(tf: Json, options: SliceOptions): AwsSlice {
  const src = JSON.parse(JSON.stringify(tf)) as Json;
  const removed: string[] = [];
  /** `<kind>:<type>` of every removed block kind/type, e.g. `resource:kafka_topic`, `data:terraform_remote_state`. */
  const removedTypes = new Set<string>();
  const isAws = (type: string) => type.startsWith('aws_');

  const filterBlocks = (kind: 'resource' | 'data' | 'ephemeral', keep: (type: string) => boolean) => {
    const blocks = (src[kind] ?? {}) as Json;
    for (const type of Object.keys(blocks)) {
      if (keep(type)) continue;
      for (const name of Object.keys(blocks[type])) removed.push(`${kind === 'resource' ? '' : `${kind}.`}${type}.${name}`);
      removedTypes.add(`${kind}:${type}`);
      delete blocks[type];
    }
    if (Object.keys(blocks).length === 0) delete src[kind];
  };
  filterBlocks('resource', isAws);
  filterBlocks('data', isAws);
  filterBlocks('ephemeral', (t) => isAws(t) && !options.dropEphemeral);

  const providers = (src.provider ?? {}) as Json;
  for (const name of Object.keys(providers)) {
    if (name !== 'aws') {
      removed.push(`provider.${name}`);
      delete providers[name];
    }
  }
  const awsProviders: Json[] = Array.isArray(providers.aws) && providers.aws.length ? providers.aws : [{ region: 'eu-west-1' }];
  src.provider = {
    aws: awsProviders.map((p) => ({
      ...(p.alias ? { alias: p.alias } : {}),
      region: typeof p.region === 'string' && !p.region.includes('${') ? p.region : 'eu-west-1',
      ...(p.default_tags ? { default_tags: p.default_tags } : {}),
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      access_key: 'stub-access-key',
      secret_key: 'stub-secret-key',
    })),
  };

  const terraform = (src.terraform ?? {}) as Json;
  const requiredAws = terraform.required_providers?.aws ?? { source: 'aws', version: '5.100.0' };
  // required_version is kept: the real terraform checks it against itself.
  src.terraform = { ...(terraform.required_version ? { required_version: terraform.required_version } : {}), required_providers: { aws: requiredAws }, backend: { local: { path: options.statePath } } };

  const isRemoved = (kind: string, type: string) => removedTypes.has(`${kind}:${type}`);
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return rewriteString(value, isRemoved);
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') {
      const out: Json = {};
      for (const [k, v] of Object.entries(value)) {
        if (k === 'depends_on' && Array.isArray(v)) {
          const kept = v.filter((d) => typeof d !== 'string' || !referencesRemoved(d, isRemoved));
          if (kept.length) out[k] = rewrite(kept);
          continue;
        }
        out[k] = rewrite(v);
      }
      return out;
    }
    return value;
  };
  for (const kind of ['resource', 'data', 'ephemeral', 'output', 'locals']) {
    if (src[kind]) src[kind] = rewrite(src[kind]);
  }
  // A variable only the removed blocks read (e.g. the local identities' scram_passwords) has no place in the slice.
  const kept = JSON.stringify(['resource', 'data', 'ephemeral', 'output', 'locals', 'provider'].map((k) => src[k]));
  const variables = (src.variable ?? {}) as Json;
  for (const name of Object.keys(variables)) {
    if (!kept.includes(`var.${name}`)) {
      removed.push(`var.${name}`);
      delete variables[name];
    }
  }
  if (src.variable && Object.keys(variables).length === 0) delete src.variable;
  let resourceCount = 0;
  for (const blocks of Object.values((src.resource ?? {}) as Json)) resourceCount += Object.keys(blocks as Json).length;
  return { config: src, removed: removed.sort(), resourceCount };
}

const ADDRESS = /(?<![A-Za-z0-9_.])(?:(data|ephemeral)\.)?([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)((?:\.[A-Za-z0-9_]+|\[[^\]]*\])*)/g;

function referencesRemoved(expr: string, isRemoved: (kind: string, type: string) => boolean): boolean {
  const bare = expr.replace(/^\$\{|\}$/g, '');
  ADDRESS.lastIndex = 0;
  for (const m of bare.matchAll(ADDRESS)) if (isRemoved(m[1] ?? 'resource', m[2])) return true;
  return false;
}

/** Replaces, inside every `${…}` of a string, each reference to a removed block by a quoted placeholder. */
function rewriteString(s: string, isRemoved: (kind: string, type: string) => boolean): string {
  if (!s.includes('${')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const start = s.indexOf('${', i);
    if (start < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, start);
    let depth = 0;
    let j = start + 1;
    for (; j < s.length; j++) {
      if (s[j] === '{') depth++;
      else if (s[j] === '}' && --depth === 0) break;
    }
    const inner = s.slice(start + 2, j);
    const replaced = inner.replace(ADDRESS, (whole: string, kind: string | undefined, type: string, name: string, rest: string) =>
      isRemoved(kind ?? 'resource', type) ? JSON.stringify(placeholderFor(`${kind ? `${kind}.` : ''}${type}.${name}${rest}`)) : whole,
    );
    out += `\${${replaced}}`;
    i = j + 1;
  }
  return out;
}

/** True when terraform and the aws mirror are on this machine. */
export function terraformAvailable(): boolean {
  if (!existsSync(join(TF_MIRROR, AWS_SOURCE))) return false;
  const r = spawnSync('terraform', ['version'], { encoding: 'utf8', timeout: 30_000 });
  return r.status === 0;
}

/** The result of checking a set of stacks together. */
export interface TerraformCheck {
  readonly validate: { readonly ok: boolean; readonly output: string };
  readonly plan: {
    readonly ok: boolean;
    /** Planned actions per stack (its module), e.g. `{ create: 12 }`. */
    readonly actions: Readonly<Record<string, Readonly<Record<string, number>>>>;
    readonly errors: readonly string[];
    readonly output: string;
  };
  /** Each stack's slice (as planned: without ephemeral resources). */
  readonly slices: Readonly<Record<string, AwsSlice>>;
}

/**
 * A terraform working directory in a temp dir. Terraform's cost here is
 * starting the 600 MB aws provider, so every stack is checked in ONE run: each
 * stack's slice becomes a local module `module.<stack>` (its backend and
 * provider blocks lifted into the root, which has the one aws provider and the
 * local backend), then one `init` (plugin cache and data dir in the temp dir),
 * one `validate` and one `plan`. Diagnostics and planned changes name the
 * module, so each stack's resources are counted on their own.
 */
export class TerraformWorkspace {
  readonly dir: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly statePath: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'contract-mesh-tf-'));
    mkdirSync(join(this.dir, 'plugin-cache'));
    this.statePath = join(this.dir, 'state', 'terraform.tfstate');
    const cli = join(this.dir, 'terraform.rc');
    writeFileSync(
      cli,
      [
        'provider_installation {',
        `  filesystem_mirror {\n    path    = "${TF_MIRROR}"\n    include = ["${AWS_SOURCE}"]\n  }`,
        `  direct {\n    exclude = ["${AWS_SOURCE}"]\n  }`,
        '}',
        `plugin_cache_dir = "${join(this.dir, 'plugin-cache')}"`,
        '',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('TF_')) env[k] = v;
    this.env = {
      ...env,
      TF_CLI_CONFIG_FILE: cli,
      TF_DATA_DIR: join(this.dir, 'data'),
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  private run(args: string[]): { status: number; out: string } {
    const r = spawnSync('terraform', args, { cwd: join(this.dir, 'work'), env: this.env, encoding: 'utf8', timeout: 600_000, maxBuffer: 256 << 20 });
    return { status: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
  }

  /** Writes the root and one module per stack; returns the slices. */
  private write(stacks: Readonly<Record<string, Json>>, dropEphemeral: boolean): Record<string, AwsSlice> {
    const work = join(this.dir, 'work');
    rmSync(join(work, 'stacks'), { recursive: true, force: true });
    const slices: Record<string, AwsSlice> = {};
    const modules: Json = {};
    let region = 'eu-west-1';
    for (const [name, tf] of Object.entries(stacks)) {
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) throw new Error(`stack name ${name} is not a terraform module name`);
      const slice = awsSlice(tf, { statePath: this.statePath, dropEphemeral });
      slices[name] = slice;
      const { provider, terraform, ...rest } = slice.config;
      region = provider.aws[0].region;
      const dir = join(work, 'stacks', name);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'main.tf.json'), JSON.stringify({ terraform: { required_providers: terraform.required_providers }, ...rest }, null, 1));
      modules[name] = { source: `./stacks/${name}` };
    }
    const root = {
      terraform: { required_providers: { aws: { source: 'hashicorp/aws', version: '5.100.0' } }, backend: { local: { path: this.statePath } } },
      provider: { aws: [awsSlice({}, { statePath: this.statePath }).config.provider.aws[0]] },
      module: modules,
    };
    root.provider.aws[0].region = region;
    writeFileSync(join(work, 'main.tf.json'), JSON.stringify(root, null, 1));
    return slices;
  }

  /**
   * Inits, validates every stack's slice (with AWS ephemeral resources) and plans them (without).
   * @param options.plan `false` to validate only. @default true
   */
  checkAll(stacks: Readonly<Record<string, Json>>, options: { readonly plan?: boolean } = {}): TerraformCheck {
    mkdirSync(join(this.dir, 'work'), { recursive: true });
    this.write(stacks, false);
    const init = this.run(['init', '-input=false', '-no-color']);
    if (init.status !== 0) throw new Error(`terraform init failed:\n${init.out}`);
    const v = this.run(['validate', '-no-color']);
    const slices = this.write(stacks, true);
    const p = options.plan === false ? { status: 0, out: '' } : this.run(['plan', '-input=false', '-lock=false', '-refresh=false', '-json']);
    const actions: Record<string, Record<string, number>> = {};
    for (const name of Object.keys(stacks)) actions[name] = {};
    const errors: string[] = [];
    for (const line of p.out.split('\n')) {
      if (!line.startsWith('{')) continue;
      let msg: Json;
      try {
        msg = JSON.parse(line);
      } catch {
        continue;
      }
      if (msg.type === 'planned_change') {
        const mod = String(msg.change?.resource?.module ?? '').replace(/^module\./, '');
        const action = String(msg.change?.action);
        const bucket = (actions[mod] ??= {});
        bucket[action] = (bucket[action] ?? 0) + 1;
      }
      if (msg.type === 'diagnostic' && msg.diagnostic?.severity === 'error') {
        errors.push(`${msg.diagnostic.address ?? ''} ${msg.diagnostic.summary}: ${msg.diagnostic.detail ?? ''}`);
      }
    }
    return {
      validate: { ok: v.status === 0, output: v.out },
      plan: { ok: p.status === 0 && errors.length === 0, actions, errors, output: p.out },
      slices,
    };
  }

  /** Removes the temp directory. */
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
