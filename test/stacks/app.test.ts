import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { synthesizeMesh } from '../../stacks/app';
import { copyExampleContracts } from '../helpers';

const root = join(__dirname, '..', '..');

/** Runs the real app (`app.synth()`) on a copy of the example products. */
function synth(productsDir: string, outdir: string) {
  const messages: string[] = [];
  const code = synthesizeMesh({ productsDir, outdir, root, retiredFile: join(dirname(productsDir), 'retired.json'), log: { info: (m) => messages.push(m), error: (m) => messages.push(m) } });
  return { code, output: messages.join('\n') };
}

describe('the app, end to end', () => {
  let work: string;
  let products: string;
  let outdir: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'contract-mesh-app-'));
    outdir = join(work, 'cdktf.out');
    // The example products with their committed locks (synth reads `locks` beside `productsDir`).
    products = copyExampleContracts(work);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('writes a dev, a prod and a local stack per example domain, each with topics and ACLs', () => {
    const { code, output } = synth(products, outdir);
    expect(code).toBe(0);
    expect(output).toMatch(/6 data products → 14 stacks/);
    const stacks = readdirSync(join(outdir, 'stacks')).sort();
    expect(stacks).toEqual([
      'customers-dev', 'customers-local', 'customers-prod', 'identities-dev', 'identities-local', 'identities-prod',
      'orders-dev', 'orders-local', 'orders-prod', 'payments-dev', 'payments-local', 'payments-prod', 'platform-dev', 'platform-prod',
    ]);
    for (const s of stacks.filter((x) => !/^(platform|identities)-/.test(x))) {
      const tf = JSON.parse(readFileSync(join(outdir, 'stacks', s, 'cdk.tf.json'), 'utf8'));
      expect(Object.keys(tf.resource.kafka_topic).length).toBeGreaterThanOrEqual(4);
      expect(Object.keys(tf.resource.kafka_acl).length).toBeGreaterThanOrEqual(10);
    }
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.stacks).sort()).toEqual(stacks);
    const mesh = JSON.parse(readFileSync(join(outdir, 'mesh-manifest.json'), 'utf8'));
    expect(mesh.products).toHaveLength(6);
    expect(mesh.stacks[0].products[0].topic.partitions.reason).toMatch(/msg\/s/);
  });

  it('fails on a broken contract, names it, and leaves no stack output behind; passes again once it is removed', () => {
    expect(synth(products, outdir).code).toBe(0);
    const broken = join(products, 'payments', 'broken.ts');
    writeFileSync(
      broken,
      `import { defineDataProduct, z } from '../../index';
export const broken = defineDataProduct({
  domain: 'payments', name: 'broken', version: 0, description: 'x',
  owner: { team: 't', contact: 'c@example.com' }, producer: { principal: 'payments-api' as never },
  kind: 'event', key: 'id' as never, schema: z.object({ ref: z.any() }),
  retention: { days: 1 }, throughput: { peakMessagesPerSecond: 1, averageMessageBytes: 1 }, classification: 'internal',
});
`,
    );
    const failed = synth(products, outdir);
    expect(failed.code).toBe(1);
    expect(failed.output).toMatch(/4 problems/);
    expect(failed.output).toMatch(/payments\/broken@v0 \([^)]*products\/payments\/broken\.ts\): version: /);
    expect(failed.output).toMatch(/payments\/broken@v0 \([^)]*products\/payments\/broken\.ts\): schema\.ref: cannot be carried: z\.any\(\)/);
    expect(failed.output).toMatch(/payments\/broken@v0 \([^)]*products\/payments\/broken\.ts\): producer\.principal: principal "payments-api" is not of the form User:<name>/);
    expect(failed.output).toMatch(/payments\/broken@v0 \([^)]*products\/payments\/broken\.ts\): key: key "id" is not a field of the schema/);
    expect(failed.output).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(outdir)).toBe(false);

    rmSync(broken);
    expect(synth(products, outdir).code).toBe(0);
    expect(existsSync(join(outdir, 'stacks', 'payments-prod', 'cdk.tf.json'))).toBe(true);
  });

  it('deletes what an interrupted synth left beside the output, but not the folder of a synth still running', async () => {
    const gone = join(work, 'cdktf.out.partial-999999999'); // no such process
    const oldGone = join(work, 'cdktf.out.old-999999998');
    const running = join(work, `cdktf.out.partial-${process.ppid}`);
    for (const d of [gone, oldGone, running]) mkdirSync(join(d, 'stacks'), { recursive: true });
    expect(synth(products, outdir).code).toBe(0);
    // The deletion runs in the background, beside synth: wait for it.
    for (let i = 0; i < 100 && (existsSync(gone) || existsSync(oldGone)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(oldGone)).toBe(false);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(join(outdir, 'stacks', 'payments-prod', 'cdk.tf.json'))).toBe(true);
  });

  it('leaves a folder alone that synth did not write, and says why it cannot write there', () => {
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'notes.txt'), 'mine');
    const failed = synth(products, outdir);
    expect(failed.code).toBe(1);
    expect(failed.output).toMatch(/cdktf\.out exists and synth did not write it \(it has no manifest\.json\), so synth will not replace it\. Move it away, or write elsewhere with CDKTF_OUTDIR=<folder>\./);
    expect(readFileSync(join(outdir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(work).filter((f) => f.startsWith('cdktf.out.'))).toEqual([]);
  });

  it('names a product file that cannot be loaded', () => {
    writeFileSync(join(products, 'orders', 'typo.ts'), 'export const x = undefinedFunction();\n');
    const failed = synth(products, outdir);
    expect(failed.code).toBe(1);
    expect(failed.output).toMatch(/orders\/typo\.ts: \(file\): the file could not be loaded: undefinedFunction is not defined/);
  });

  it('runs as `npm run synth` does (tsx main.ts) and writes cdktf.out', () => {
    const out = execFileSync(join(root, 'node_modules', '.bin', 'tsx'), ['main.ts'], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: outdir },
      encoding: 'utf8',
    });
    expect(out).toMatch(/→ 14 stacks/);
    expect(existsSync(join(outdir, 'stacks', 'customers-prod', 'cdk.tf.json'))).toBe(true);
  });
});
