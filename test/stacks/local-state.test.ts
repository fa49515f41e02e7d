/**
 * Local Terraform state (dev, local) survives synth: it lives in `terraform-state/` beside the output folder, which
 * synth replaces on every run and removes when a run fails; state an earlier version kept inside the output folder is
 * moved out once; the backend paths are relative, so the JSON is the same for every output folder and machine.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { synthesizeMesh } from '../../stacks/app';
import { copyExampleContracts } from '../helpers';

const ROOT = resolve(__dirname, '../..');

type Tf = { terraform: { backend: Record<string, { path?: string }> }; data?: { terraform_remote_state?: Record<string, { backend: string; config: { path?: string } }> } };

describe('local Terraform state', () => {
  let work: string;
  let products: string;
  let lines: string[];
  const synth = (outdir = join(work, 'cdktf.out')) => {
    lines = [];
    return synthesizeMesh({ root: ROOT, productsDir: products, retiredFile: join(work, 'retired.json'), outdir, log: { info: (m) => lines.push(m), error: (m) => lines.push(m) } });
  };
  const tf = (outdir: string, stack: string): Tf => JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  /** The state file a stack's local backend names, as Terraform resolves it (from the folder cdktf runs it in). */
  const statePath = (outdir: string, stack: string) => resolve(outdir, 'stacks', stack, tf(outdir, stack).terraform.backend.local.path as string);
  const localStacks = (outdir: string) => readdirSync(join(outdir, 'stacks')).filter((s) => tf(outdir, s).terraform.backend.local).sort();

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'local-state-'));
    products = copyExampleContracts(work);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('keeps every local stack\'s state across synths, and across a synth that fails: it is beside the output folder', () => {
    const outdir = join(work, 'cdktf.out');
    expect(synth()).toBe(0);
    const stacks = localStacks(outdir);
    expect(stacks).toEqual(expect.arrayContaining(['payments-dev', 'platform-dev', 'identities-dev', 'payments-local', 'identities-local']));
    for (const s of stacks) {
      const file = statePath(outdir, s);
      expect(file).toBe(join(work, 'terraform-state', `${s}.tfstate`));
      expect(relative(outdir, file).startsWith(`..${sep}`)).toBe(true);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify({ version: 4, serial: 7, lineage: s, resources: [{ type: 'kafka_topic' }] }));
    }
    expect(synth()).toBe(0);
    // A broken contract: synth fails and removes the output folder; the state stays.
    writeFileSync(join(products, 'payments', 'broken.ts'), 'export const x = undefinedFunction();\n');
    expect(synth()).toBe(1);
    expect(existsSync(outdir)).toBe(false);
    for (const s of stacks) expect(JSON.parse(readFileSync(join(work, 'terraform-state', `${s}.tfstate`), 'utf8'))).toMatchObject({ serial: 7, lineage: s });
  });

  it("has each stack's remote state read the file the other stack's backend writes", () => {
    const outdir = join(work, 'cdktf.out');
    expect(synth()).toBe(0);
    let checked = 0;
    for (const s of readdirSync(join(outdir, 'stacks'))) {
      for (const [id, remote] of Object.entries(tf(outdir, s).data?.terraform_remote_state ?? {})) {
        if (remote.backend !== 'local') continue;
        const other = id === 'Platform' ? s.replace(/^.*-([^-]+)$/, 'platform-$1') : s.replace(/^.*-([^-]+)$/, 'identities-$1');
        expect({ s, id, file: resolve(outdir, 'stacks', s, remote.config.path as string) }).toEqual({ s, id, file: statePath(outdir, other) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('is named relative to where Terraform runs: the same JSON for every output folder', () => {
    const [a, b] = [join(work, 'cdktf.out'), join(work, 'build', 'other-out')];
    expect(synth(a)).toBe(0);
    expect(synth(b)).toBe(0);
    for (const s of ['payments-dev', 'platform-dev', 'identities-local']) {
      expect(readFileSync(join(b, 'stacks', s, 'cdk.tf.json'), 'utf8')).toBe(readFileSync(join(a, 'stacks', s, 'cdk.tf.json'), 'utf8'));
    }
    const paths = [tf(a, 'payments-dev').terraform.backend.local.path, ...Object.values(tf(a, 'payments-dev').data?.terraform_remote_state ?? {}).map((r) => r.config.path)];
    expect(paths).toEqual(['../../../terraform-state/payments-dev.tfstate', '../../../terraform-state/identities-dev.tfstate', '../../../terraform-state/platform-dev.tfstate']);
  });

  it('moves the state an earlier version kept inside the output folder out of it, once, before synth replaces it', () => {
    const outdir = join(work, 'cdktf.out');
    expect(synth()).toBe(0);
    const legacy = join(outdir, 'stacks', 'payments-dev', 'terraform.payments-dev.tfstate');
    writeFileSync(legacy, '{"serial":12}');
    writeFileSync(`${legacy}.backup`, '{"serial":11}');
    expect(synth()).toBe(0);
    expect(readFileSync(join(work, 'terraform-state', 'payments-dev.tfstate'), 'utf8')).toBe('{"serial":12}');
    expect(readFileSync(join(work, 'terraform-state', 'payments-dev.tfstate.backup'), 'utf8')).toBe('{"serial":11}');
    expect(lines.join('\n')).toContain(`moved Terraform state out of the output folder, which synth replaces: ${join('cdktf.out', 'stacks', 'payments-dev', 'terraform.payments-dev.tfstate')} → ${join('terraform-state', 'payments-dev.tfstate')}`);
    expect(existsSync(legacy)).toBe(false);
  });

  it('fails if a stack\'s state is in both places and they differ, touching neither', () => {
    const outdir = join(work, 'cdktf.out');
    expect(synth()).toBe(0);
    const legacy = join(outdir, 'stacks', 'payments-dev', 'terraform.payments-dev.tfstate');
    const current = join(work, 'terraform-state', 'payments-dev.tfstate');
    writeFileSync(legacy, '{"serial":3}');
    mkdirSync(dirname(current), { recursive: true });
    writeFileSync(current, '{"serial":5}');
    expect(synth()).toBe(1);
    expect(lines.join('\n')).toMatch(/the Terraform state of payments-dev is in two places: cdktf\.out\/stacks\/payments-dev\/terraform\.payments-dev\.tfstate \(inside the output folder[^)]*\) and terraform-state\/payments-dev\.tfstate .*Keep the one Terraform wrote last \(the higher "serial"/);
    expect(readFileSync(legacy, 'utf8')).toBe('{"serial":3}');
    expect(readFileSync(current, 'utf8')).toBe('{"serial":5}');
  });

  it('keeps terraform-state/ out of git', () => {
    // git's own matching of the project's .gitignore, in a scratch repository: the test also runs from a copy of the
    // project that is not a git work tree (CI's second run).
    const repo = mkdtempSync(join(tmpdir(), 'cm-ignore-'));
    try {
      writeFileSync(join(repo, '.gitignore'), readFileSync(join(ROOT, '.gitignore')));
      execFileSync('git', ['init', '-q'], { cwd: repo });
      expect(execFileSync('git', ['check-ignore', '-v', 'terraform-state/payments-dev.tfstate'], { cwd: repo, encoding: 'utf8' })).toMatch(/\.gitignore:\d+:terraform-state\//);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
