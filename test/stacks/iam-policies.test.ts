/**
 * Every IAM policy the fixture mesh synthesizes is read and judged by the IAM rules — none is skipped for
 * holding Terraform references (`${aws_x.y.arn}` inside its JSON) — and every one is compliant.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluatePolicy } from '../../contracts/policy/evaluate';
import { policiesOf } from '../../contracts/policy/iam-policy';
import type { PolicyContext, PolicyResource } from '../../contracts/policy/rule';
import { IAM_RULES, NO_STAR_RESOURCE, READABLE_POLICY, SERVICE_TRUST_SOURCE_ACCOUNT } from '../../contracts/policy/rules/iam-rules';
import { synthesizeMesh } from '../../stacks/app';
import { dev, fixtureSynth, prod } from '../helpers';

type Blocks = Record<string, Record<string, Record<string, unknown>>>;

describe('the IAM policies of the synthesized fixture mesh', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'contract-mesh-iam-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));
  expect(synthesizeMesh({ ...fixtureSynth(), root: join(__dirname, '..', '..'), outdir, log: { info: () => undefined, error: (m) => { throw new Error(m); } } })).toBe(0);

  /** Every element of every stack, as the rules see it, read straight from cdk.tf.json. */
  const stacks = readdirSync(join(outdir, 'stacks')).map((name) => {
    const tf = JSON.parse(readFileSync(join(outdir, 'stacks', name, 'cdk.tf.json'), 'utf8')) as { resource?: Blocks; data?: Blocks };
    const elements: PolicyResource[] = [];
    for (const [kind, blocks] of [['resource', tf.resource], ['data', tf.data]] as const) {
      for (const [type, byName] of Object.entries(blocks ?? {})) {
        for (const [id, config] of Object.entries(byName)) {
          elements.push({ kind, type, path: `${name}/${id}`, address: `${kind === 'data' ? 'data.' : ''}${type}.${id}`, config });
        }
      }
    }
    const context: PolicyContext = { stack: name, environment: name.endsWith('-prod') ? prod : dev, products: [], principals: new Set(), resources: elements };
    return { name, elements, context };
  });

  /** The policy attributes of IAM resources, found without the reader: what it must read. */
  const policyAttributes = stacks.flatMap(({ name, elements }) => elements.filter((e) => e.type.startsWith('aws_iam_')).flatMap((e) => [
    ...['policy', 'assume_role_policy'].filter((k) => typeof e.config[k] === 'string').map((k) => `${name} ${e.address} ${k}`),
    ...((e.config.inline_policy as Array<{ policy?: string }> | undefined) ?? []).filter((p) => p.policy).map((_p, i) => `${name} ${e.address} inline_policy[${i}].policy`),
  ]));

  it('has IAM policies, most of them with references: what the rules must see', () => {
    expect(policyAttributes.length).toBeGreaterThanOrEqual(20);
    const withReferences = stacks.flatMap(({ elements }) => elements.filter((e) => e.type.startsWith('aws_iam_') && /\$\{/.test(String(e.config.policy ?? ''))));
    expect(withReferences.length).toBeGreaterThanOrEqual(10);
  });

  it('reads every one of them: the count of unread policies is 0', () => {
    const read: string[] = [];
    const unread: string[] = [];
    for (const { name, elements } of stacks) {
      const addresses = new Set(elements.map((e) => e.address));
      for (const e of elements) {
        for (const p of policiesOf(e)) {
          const ok = p.reading.status === 'read' ? p.reading.statements.length > 0 : p.reading.status === 'document' && addresses.has(p.reading.address);
          (ok ? read : unread).push(`${name} ${e.address} ${p.attribute}${p.reading.status === 'unreadable' ? `: ${p.reading.reason}` : ''}`);
        }
      }
    }
    expect(unread).toEqual([]);
    expect(read.filter((x) => !x.includes('aws_iam_policy_document')).sort()).toEqual([...policyAttributes].sort());
  });

  it('judges every one of them compliant: each identity policy by CM-IAM-5, each service trust by CM-IAM-6, none unreadable', () => {
    for (const { elements, context } of stacks) {
      expect(evaluatePolicy(IAM_RULES, context)).toEqual([]);
      for (const e of elements) {
        const policies = policiesOf(e);
        if (!policies.length) continue;
        expect([e.address, READABLE_POLICY.check(e, context).verdict]).toEqual([e.address, 'COMPLIANT']);
        if (policies.some((p) => !p.trust)) expect([e.address, NO_STAR_RESOURCE.check(e, context).verdict]).toEqual([e.address, 'COMPLIANT']);
        if (policies.some((p) => p.trust)) expect([e.address, SERVICE_TRUST_SOURCE_ACCOUNT.check(e, context).verdict]).toEqual([e.address, 'COMPLIANT']);
      }
    }
  });
});
