/**
 * `MESH_DOMAINS`: a synth limited to some domains checks every contract, builds and writes only those domains' stacks
 * — each byte for byte what a full synth writes, assets included — and leaves every other stack as a placeholder whose
 * plan fails naming the variable (so `cdktf deploy|diff` of a left-out stack stops with that message).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { meshDomainsFrom, synthesizeMesh } from '../../stacks/app';
import { LEFT_OUT_STATE } from '../../stacks/left-out-stack';
import { runReview } from '../../scripts/review';
import { ENVIRONMENTS } from '../../stacks/environments';
import { copyExampleContracts } from '../helpers';

const ROOT = resolve(__dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => (statSync(join(dir, e)).isDirectory() ? files(join(dir, e)).map((f) => `${e}/${f}`) : [e])).sort();
}

describe('MESH_DOMAINS', () => {
  const work = mkdtempSync(join(tmpdir(), 'mesh-domains-'));
  const products = copyExampleContracts(work);
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const synth = (name: string, domains?: readonly string[]) => {
    const lines: string[] = [];
    const outdir = join(work, name);
    const code = synthesizeMesh({ root: ROOT, productsDir: products, retiredFile: join(dirname(products), 'retired.json'), outdir, domains, log: { info: (m) => lines.push(m), error: (m) => lines.push(m) } });
    return { code, outdir, out: lines.join('\n') };
  };
  const full = synth('full');
  const payments = synth('payments', ['payments']);
  const stacksOf = (outdir: string) => readdirSync(join(outdir, 'stacks')).sort();

  it('reads the domains from the variable: comma- or space-separated, unset or empty means every stack', () => {
    expect(meshDomainsFrom('payments')).toEqual(['payments']);
    expect(meshDomainsFrom(' payments, orders  customers,payments ')).toEqual(['payments', 'orders', 'customers']);
    expect(meshDomainsFrom('')).toBeUndefined();
    expect(meshDomainsFrom(undefined)).toBeUndefined();
  });

  it.each([[['payments']], [['orders', 'customers']]])('builds the stacks of %j byte for byte as a full synth does, assets included', (domains) => {
    expect(full.code).toBe(0);
    const part = domains[0] === 'payments' ? payments : synth(domains.join('-'), domains);
    expect(part.code).toBe(0);
    // A domain's stacks in every environment: dev, prod and the developer's local mesh.
    const built = stacksOf(full.outdir).filter((s) => domains.some((d) => s.startsWith(`${d}-`)));
    expect(built.sort()).toEqual(domains.flatMap((d) => ENVIRONMENTS.map((e) => `${d}-${e.name}`)).sort());
    for (const stack of built) {
      const [a, b] = [join(full.outdir, 'stacks', stack), join(part.outdir, 'stacks', stack)];
      expect(files(b)).toEqual(files(a));
      for (const f of files(a)) expect(readFileSync(join(b, f)).equals(readFileSync(join(a, f)))).toBe(true);
    }
    if (domains[0] === 'payments') expect(files(join(part.outdir, 'stacks', 'payments-prod')).some((f) => f.startsWith('assets/') && f.endsWith('.zip'))).toBe(true);
    expect(part.out).toMatch(new RegExp(`MESH_DOMAINS=${domains.join(',')}: 6 data products checked`));
  });

  it('writes every other stack under its name as a placeholder that plans nothing and names MESH_DOMAINS', () => {
    expect(stacksOf(payments.outdir)).toEqual(stacksOf(full.outdir));
    // identities-local holds every principal of the mesh, like identities-dev: left out too.
    expect(stacksOf(payments.outdir)).toEqual(expect.arrayContaining(['identities-dev', 'identities-local', 'identities-prod', 'platform-dev', 'platform-prod']));
    const cdktf = JSON.parse(readFileSync(join(payments.outdir, 'manifest.json'), 'utf8'));
    expect(Object.keys(cdktf.stacks).sort()).toEqual(stacksOf(full.outdir));
    for (const stack of stacksOf(payments.outdir).filter((s) => !s.startsWith('payments-'))) {
      const tf = JSON.parse(readFileSync(join(payments.outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
      expect(Object.keys(tf).sort()).toEqual(['//', 'terraform', 'variable']);
      expect(tf.terraform).toEqual({ backend: { local: { path: LEFT_OUT_STATE } } }); // never the stack's real state
      expect(tf.variable.MESH_DOMAINS.validation[0].error_message).toMatch(new RegExp(`^${stack} was left out of this synth: MESH_DOMAINS=payments builds only payments-dev, payments-local, payments-prod\\.`));
    }
  });

  it('writes a manifest of those domains only, marked partial: the review refuses it, naming MESH_DOMAINS', () => {
    const manifest = JSON.parse(readFileSync(join(payments.outdir, 'mesh-manifest.json'), 'utf8'));
    expect(manifest.partial).toEqual({ domains: ['payments'] });
    expect([...new Set(manifest.products.map((p: { domain: string }) => p.domain))]).toEqual(['payments']);
    expect(files(join(payments.outdir, 'contracts')).filter((f) => f.endsWith('.proto')).every((f) => f.startsWith('payments/'))).toBe(true);
    const lines: string[] = [];
    expect(runReview(['--head', payments.outdir, '--out', join(work, 'review.md')], { info: (m) => lines.push(m), error: (m) => lines.push(m) })).toBe(2);
    expect(lines.join('\n')).toMatch(/synthesized with MESH_DOMAINS=payments.*the review needs every stack\. Synthesize it again without MESH_DOMAINS/);
  });

  it('still checks every contract: a broken product in another domain fails the synth', () => {
    const broken = join(products, 'orders', 'broken.ts');
    writeFileSync(broken, readFileSync(join(products, 'orders', 'shipment-events.ts'), 'utf8').replace("name: 'shipment-events'", "name: 'Shipments'"));
    try {
      const r = synth('broken', ['payments']);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/orders\/Shipments@v1[^\n]*name/);
    } finally {
      rmSync(broken);
    }
  });

  it('fails if it names a domain with no product, with a did-you-mean and the known domains', () => {
    const r = synth('unknown', ['paymnets']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('MESH_DOMAINS names a domain with no data product: "paymnets" (did you mean "payments"?). The domains are: customers, orders, payments.');
  });

  const terraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
  (terraform ? it : it.skip)('a left-out stack fails `terraform plan` (what cdktf deploy|diff runs) with the message naming MESH_DOMAINS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'left-out-plan-'));
    try {
      writeFileSync(join(dir, 'cdk.tf.json'), readFileSync(join(payments.outdir, 'stacks', 'identities-prod', 'cdk.tf.json')));
      const env = { ...process.env, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' };
      const init = spawnSync('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, encoding: 'utf8', env });
      expect(init.status).toBe(0); // no provider: nothing to download
      const plan = spawnSync('terraform', ['plan', '-input=false', '-no-color'], { cwd: dir, encoding: 'utf8', env });
      expect(plan.status).not.toBe(0);
      expect(`${plan.stdout}${plan.stderr}`.replace(/\s*\n\s*│?\s*/g, ' ')).toMatch(/identities-prod was left out of this synth: MESH_DOMAINS=payments builds only payments-dev, payments-local, payments-prod\./);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tfstate'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  if (!terraform) console.warn(`${relative(ROOT, __filename)}: terraform is not installed; the plan of a left-out stack is not checked`);
});
