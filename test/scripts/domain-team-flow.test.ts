/**
 * A domain team's day, run the README's way in a temporary copy of the repository (its code, with the fixture
 * contracts as its mesh): add a product in a new domain, lock it, evolve it compatibly, add a v2, retire v1 and delete
 * its file — `npm run check` and `npm run synth` pass after every step. Each command is a real `npm run` in the copy.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENVIRONMENTS } from '../../stacks/environments';
import { FIXTURES } from '../helpers';
import { LIVE_MESH_PATHS } from '../support/live-mesh-guard';
import { parcelScansSource } from '../support/new-product';

const ROOT = resolve(__dirname, '../..');
/** What a synth, a lock or a check never needs: tests, benchmarks, docs, build output, caches. */
const SKIP = new Set(['node_modules', '.git', 'test', 'bench', 'docs', '.ci', '.github', 'cdktf.out', 'coverage', '.cache', '.mesh', 'review.md']);

/** The repository's code without its mesh (the live products, locks, migrations, retirements), the fixture mesh in its place. */
function copyRepository(dest: string): void {
  const copy = (from: string, to: string) => {
    for (const e of readdirSync(from, { withFileTypes: true })) {
      const src = join(from, e.name);
      if ((from === ROOT && (SKIP.has(e.name) || /\.(partial|old)-\d+$/.test(e.name))) || LIVE_MESH_PATHS.includes(src)) continue;
      if (e.isDirectory()) {
        mkdirSync(join(to, e.name), { recursive: true });
        copy(src, join(to, e.name));
      } else if (e.isFile()) cpSync(src, join(to, e.name));
    }
  };
  copy(ROOT, dest);
  for (const part of ['products', 'locks', 'migrations', 'retired.json']) cpSync(join(FIXTURES, part), join(dest, 'contracts', part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dest, 'node_modules'), 'dir');
}

const PARCEL_SCANS = parcelScansSource();

describe("a domain team's flow in a copy of the repository", () => {
  const repo = mkdtempSync(join(tmpdir(), 'contract-mesh-flow-'));
  copyRepository(repo);
  afterAll(() => rmSync(repo, { recursive: true, force: true }));
  const products = join(repo, 'contracts', 'products', 'logistics');

  /** `npm run <script> [-- args]` in the copy, as a user types it. */
  const npm = (script: string, ...args: string[]) => npmWith({}, script, ...args);
  const npmWith = (env: NodeJS.ProcessEnv, script: string, ...args: string[]) => {
    const r = spawnSync('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: undefined, MESH_DOMAINS: undefined, NODE_OPTIONS: undefined, ...env },
    });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  };
  /** `npm run check` and `npm run synth` both pass; returns the topics each domain stack of prod declares. */
  const checkAndSynth = (): Record<string, string[]> => {
    const check = npm('check');
    expect({ code: check.code, out: check.out }).toEqual({ code: 0, out: expect.stringMatching(/contract-mesh check: passed/) });
    const synth = npm('synth');
    expect({ code: synth.code, out: synth.out }).toEqual({ code: 0, out: expect.stringMatching(/data products → \d+ stacks/) });
    const stacks = join(repo, 'cdktf.out', 'stacks');
    return Object.fromEntries(readdirSync(stacks).filter((s) => s.endsWith('-prod')).map((s) => {
      const tf = JSON.parse(readFileSync(join(stacks, s, 'cdk.tf.json'), 'utf8'));
      return [s, Object.values(tf.resource?.kafka_topic ?? {}).map((t) => (t as { name: string }).name).filter((n) => !n.endsWith('.dlq')).sort()];
    }));
  };

  it('adds a product in a new domain: check names the missing lock; after contracts:lock, check and synth pass', () => {
    mkdirSync(products, { recursive: true });
    writeFileSync(join(products, 'parcel-scans.ts'), PARCEL_SCANS);
    const before = npm('check');
    expect(before.code).toBe(1);
    expect(before.out).toMatch(/logistics\/parcel-scans@v1: \(lock\): the contract has no lock.*npm run contracts:lock/);
    const lock = npm('contracts:lock');
    expect(lock.code).toBe(0);
    expect(existsSync(join(repo, 'contracts', 'locks', 'logistics', 'parcel-scans.v1.lock.json'))).toBe(true);
    expect(existsSync(join(repo, 'contracts', 'migrations', 'logistics', 'parcel-scans.v1', 'tracking', '0001_create.sql'))).toBe(true);
    expect(checkAndSynth()['logistics-prod']).toEqual(['logistics.parcel-scans.v1']);
  });

  it('evolves it compatibly (an optional field): contracts:lock appends the shape and its migration', () => {
    writeFileSync(join(products, 'parcel-scans.ts'), PARCEL_SCANS.replace('scannedAt: z.iso.datetime(),', 'scannedAt: z.iso.datetime(),\n    note: z.string().max(200).optional(),'));
    expect(npm('contracts:lock').code).toBe(0);
    const lock = JSON.parse(readFileSync(join(repo, 'contracts', 'locks', 'logistics', 'parcel-scans.v1.lock.json'), 'utf8'));
    expect(lock.history).toHaveLength(2);
    expect(readdirSync(join(repo, 'contracts', 'migrations', 'logistics', 'parcel-scans.v1', 'tracking'))).toEqual(['0001_create.sql', '0002_shape-2.sql']);
    expect(checkAndSynth()['logistics-prod']).toEqual(['logistics.parcel-scans.v1']);
  });

  it('adds a v2 beside v1 for a breaking change: both topics', () => {
    const v2 = PARCEL_SCANS.replace('version: 1,', 'version: 2,').replace('parcelScans', 'parcelScansV2').replace('depot: z.string().max(32),', 'depotCode: z.string().max(200),'); // a new required field: breaking under BACKWARD
    writeFileSync(join(products, 'parcel-scans.v2.ts'), v2);
    expect(npm('contracts:lock').code).toBe(0);
    expect(checkAndSynth()['logistics-prod']).toEqual(['logistics.parcel-scans.v1', 'logistics.parcel-scans.v2']);
  });

  it('retires v1 first, then deletes its file: v1 leaves the stacks, check and synth still pass', () => {
    const retire = npm('contracts:retire', 'logistics/parcel-scans@1', '--reason', 'scanners publish v2 since 2026-11-01');
    expect(retire.code).toBe(0);
    expect(JSON.parse(readFileSync(join(repo, 'contracts', 'retired.json'), 'utf8'))).toEqual([expect.objectContaining({ id: 'logistics/parcel-scans@v1' })]);
    expect(checkAndSynth()['logistics-prod']).toEqual(['logistics.parcel-scans.v2']);
    rmSync(join(products, 'parcel-scans.ts'));
    expect(checkAndSynth()['logistics-prod']).toEqual(['logistics.parcel-scans.v2']);
  });

  it('synthesizes only its own domain with MESH_DOMAINS=logistics: the same stacks, byte for byte', () => {
    const stacks = join(repo, 'cdktf.out', 'stacks');
    // Its stacks in every environment: dev, prod and the developer's local mesh.
    const mine = ENVIRONMENTS.map((e) => `logistics-${e.name}`);
    const full = Object.fromEntries(mine.map((s) => [s, readFileSync(join(stacks, s, 'cdk.tf.json'))]));
    const r = npmWith({ MESH_DOMAINS: 'logistics' }, 'synth');
    expect({ code: r.code, out: r.out }).toEqual({ code: 0, out: expect.stringMatching(new RegExp(`MESH_DOMAINS=logistics: \\d+ data products checked, 1 of them built → ${mine.length} stacks`)) });
    expect(r.out).toContain(mine.sort().join(', '));
    for (const [s, tf] of Object.entries(full)) expect(readFileSync(join(stacks, s, 'cdk.tf.json')).equals(tf)).toBe(true);
    expect(readFileSync(join(stacks, 'payments-prod', 'cdk.tf.json'), 'utf8')).toContain('payments-prod was left out of this synth: MESH_DOMAINS=logistics');
  });
});
