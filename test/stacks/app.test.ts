import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeMesh } from '../../stacks/app';

const root = join(__dirname, '..', '..');

/** Runs the real app (`app.synth()`) on a copy of the example products. */
function synth(productsDir: string, outdir: string) {
  const messages: string[] = [];
  const code = synthesizeMesh({ productsDir, outdir, root, log: { info: (m) => messages.push(m), error: (m) => messages.push(m) } });
  return { code, output: messages.join('\n') };
}

describe('the app, end to end', () => {
  let work: string;
  let products: string;
  let outdir: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'contract-mesh-app-'));
    products = join(work, 'products');
    outdir = join(work, 'cdktf.out');
    cpSync(join(root, 'contracts', 'products'), products, { recursive: true });
    // The products import '../../index': give the copy one that re-exports the real DSL.
    writeFileSync(join(work, 'index.ts'), `export * from '${join(root, 'contracts', 'index').replace(/\\/g, '/')}';\n`);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('writes a dev and a prod stack per example domain, each with topics and ACLs', () => {
    const { code, output } = synth(products, outdir);
    expect(code).toBe(0);
    expect(output).toMatch(/6 data products → 6 stacks/);
    const stacks = readdirSync(join(outdir, 'stacks')).sort();
    expect(stacks).toEqual(['customers-dev', 'customers-prod', 'orders-dev', 'orders-prod', 'payments-dev', 'payments-prod']);
    for (const s of stacks) {
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
    expect(out).toMatch(/→ 6 stacks/);
    expect(existsSync(join(outdir, 'stacks', 'customers-prod', 'cdk.tf.json'))).toBe(true);
  });
});
