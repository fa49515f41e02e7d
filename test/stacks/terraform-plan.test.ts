/**
 * A real terraform validates and plans the AWS slice of every synthesized stack
 * (see test/support/terraform-slice.ts). Skipped, loudly, where terraform or its
 * aws mirror is absent.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { synthesizeMesh } from '../../stacks/app';
import { Testing } from 'cdktf';
import { deriveIdentities } from '../../contracts/derive/identities';
import type { StackPlan } from '../../contracts/mesh';
import { DomainStack } from '../../stacks/domain-stack';
import { IdentitiesStack } from '../../stacks/identities-stack';
import { TerraformWorkspace, terraformAvailable } from '../support/terraform-slice';
import { deployedSpec, plan } from '../aws-helpers';
import { dev, fixtureSynth } from '../helpers';

/** Stacks the example contracts do not produce, checked in the same run: a sink consumer and a self-managed-Kafka identities stack. */
function variants(): Record<string, Record<string, unknown>> {
  const p = plan([deployedSpec()], [dev]);
  const product = p.stacks[0].products[0];
  const sink: StackPlan = {
    ...p.stacks[0],
    products: [{ ...product, deployments: product.deployments!.map((d) => ({ ...d, sink: { schema: 'payments', table: 'payment_events_v1__ledger', loginSecretName: 'mesh/dev/postgres/payments/payment_events_v1__ledger' } })) }],
  };
  const selfManaged = { ...dev, aws: { ...dev.aws!, identityMechanism: 'kafka-scram-credential' as const } };
  return {
    'variant-sink-consumer': JSON.parse(Testing.synth(new DomainStack(Testing.app(), sink), true)),
    'variant-kafka-scram-credential': JSON.parse(Testing.synth(new IdentitiesStack(Testing.app(), selfManaged, deriveIdentities(p.products, selfManaged)), true)),
  };
}

const available = terraformAvailable();
if (!available) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED: terraform validate/plan of the AWS slices — terraform or the aws mirror (/opt/tf-plugins) is not on this machine.');
}
const describeTf = available ? describe : describe.skip;

describeTf('terraform validate + plan of every stack\'s AWS slice', () => {
  const root = join(__dirname, '..', '..');
  const outdir = mkdtempSync(join(tmpdir(), 'contract-mesh-synth-'));
  let ws: TerraformWorkspace;
  let stacks: string[] = [];

  beforeAll(() => {
    const code = synthesizeMesh({ ...fixtureSynth(), root, outdir, log: { info: () => undefined, error: (m) => { throw new Error(m); } } });
    expect(code).toBe(0);
    stacks = readdirSync(join(outdir, 'stacks')).sort();
    ws = new TerraformWorkspace();
  });
  afterAll(() => {
    ws?.dispose();
    rmSync(outdir, { recursive: true, force: true });
  });

  it('validates and plans every stack with no errors, adding exactly the slice\'s resources', () => {
    expect(stacks.length).toBeGreaterThan(0);
    const all: Record<string, unknown> = {};
    for (const stack of stacks) all[stack] = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
    Object.assign(all, variants());
    const r = ws.checkAll(all as Record<string, Record<string, unknown>>);
    expect(r.validate.output).toMatch(/Success! The configuration is valid/);
    expect(r.validate.ok).toBe(true);
    expect(r.plan.errors).toEqual([]);
    expect(r.plan.ok).toBe(true);
    const expected: Record<string, Record<string, number>> = {};
    for (const stack of Object.keys(all)) expected[stack] = r.slices[stack].resourceCount ? { create: r.slices[stack].resourceCount } : {};
    expect(r.plan.actions).toEqual(expected);
    expect(r.plan.actions).toMatchSnapshot();
  });

  it('fails if the slice has an argument the aws provider does not know', () => {
    const r = ws.checkAll({ broken: { resource: { aws_kms_key: { k: { description: 'x', no_such_argument: true } } } } }, { plan: false });
    expect(r.validate.ok).toBe(false);
    expect(r.validate.output).toMatch(/no_such_argument/);
  });
});
