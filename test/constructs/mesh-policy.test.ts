import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Acl } from '../../.gen/providers/kafka/acl';
import { defineDataProduct } from '../../contracts/index';
import { planMesh } from '../../contracts/mesh';
import { suppressPolicy } from '../../constructs/mesh-policy';
import { synthesizeMesh } from '../../stacks/app';
import { applyMeshPolicy, meshPrincipals } from '../../stacks/apply-policy';
import { DomainStack } from '../../stacks/domain-stack';
import { prod, spec, fixtureSynth } from '../helpers';

/** A customer-managed key, so that a log group breaks only the rule a case is about (CM-LOG-2 wants one). */
const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/test';

const ROOT = resolve(__dirname, '../..');

function prodStack(overrides: Record<string, unknown> = {}) {
  const plan = planMesh([{ product: defineDataProduct(spec(overrides)) }], [prod]);
  const app = Testing.app();
  const stack = new DomainStack(app, plan.stacks[0]);
  const policy = applyMeshPolicy(stack, plan.stacks[0], meshPrincipals(plan));
  return { stack, policy };
}

const errorsOf = (stack: DomainStack) =>
  stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/error').map((m) => `${c.node.path}: ${String(m.data)}`));

describe('MeshPolicy aspect', () => {
  it('finds nothing in a stack synthesized from a contract', () => {
    const { stack, policy } = prodStack();
    Testing.synth(stack, true);
    expect(policy.findings).toEqual([]);
    expect(errorsOf(stack)).toEqual([]);
  });

  it('fails if a resource of any package breaks an error rule: synth throws with every error, each an error annotation on its resource', () => {
    const { stack, policy } = prodStack();
    new CloudwatchLogGroup(stack, 'Logs', { name: '/mesh/payments', kmsKeyId: KEY });
    new Acl(stack, 'Rogue', {
      aclPrincipal: 'User:someone', aclHost: '*', aclOperation: 'Read', aclPermissionType: 'Allow',
      resourceType: 'Topic', resourceName: 'payments.', resourcePatternTypeFilter: 'Prefixed',
    });
    expect(() => Testing.synth(stack)).toThrow(/3 policy errors in stack payments-prod; its configuration was not written\.\n[\s\S]*\[CM-ACL-1\] error: payments-prod\/Rogue/);
    expect(policy.findings.map((f) => [f.rule, f.path])).toEqual([
      ['CM-LOG-1', 'payments-prod/Logs'],
      ['CM-ACL-1', 'payments-prod/Rogue'],
      ['CM-ACL-2', 'payments-prod/Rogue'],
    ]);
    expect(errorsOf(stack)).toEqual(expect.arrayContaining([expect.stringMatching(/^payments-prod\/Logs: \[CM-LOG-1\] Every log group has a retention/)]));
  });

  it('applies a suppression declared with suppressPolicy to that subtree only, with its reason', () => {
    const { stack, policy } = prodStack();
    const logs = new CloudwatchLogGroup(stack, 'Logs', { name: '/mesh/payments', kmsKeyId: KEY });
    new CloudwatchLogGroup(stack, 'OtherLogs', { name: '/mesh/other', kmsKeyId: KEY });
    suppressPolicy(logs, 'CM-LOG-1', 'audit logs are kept by legal hold');
    expect(() => Testing.synth(stack)).toThrow(/1 policy error in stack payments-prod;.*\n.*\[CM-LOG-1\] error: payments-prod\/OtherLogs/);
    expect(policy.findings.map((f) => [f.path, f.suppressed])).toEqual([
      ['payments-prod/Logs', 'audit logs are kept by legal hold'],
      ['payments-prod/OtherLogs', undefined],
    ]);
    expect(errorsOf(stack)).toHaveLength(1);
  });

  it("maps a contract's suppression onto the product's resource by role", () => {
    const { stack, policy } = prodStack({ suppressions: [{ rule: 'CM-LIFE-1', resource: 'deadLetter', reason: 'dead letters are disposable here' }] });
    stack.products.get('payments/payment-events@v1')?.deadLetter.addOverride('lifecycle.prevent_destroy', false);
    stack.products.get('payments/payment-events@v1')?.topic.addOverride('lifecycle.prevent_destroy', false);
    expect(() => Testing.synth(stack)).toThrow(/1 policy error in stack payments-prod;.*\n.*\[CM-LIFE-1\] error: payments-prod\/payment-events-v1\/Topic:/);
    expect(policy.findings.map((f) => [f.rule, f.path, f.suppressed])).toEqual([
      ['CM-LIFE-1', 'payments-prod/payment-events-v1/DeadLetter', 'dead letters are disposable here'],
      ['CM-LIFE-1', 'payments-prod/payment-events-v1/Topic', undefined],
    ]);
  });

  it('fails synth of the whole mesh with a clear message when an error rule breaks (prod with 2 replicas)', () => {
    const outdir = join(mkdtempSync(join(tmpdir(), 'mesh-policy-')), 'cdktf.out');
    const errors: string[] = [];
    const weakProd = { ...prod, kafka: { ...prod.kafka, replicationFactor: 2 } };
    const code = synthesizeMesh({ ...fixtureSynth(), root: ROOT, outdir, environments: [weakProd], log: { info: () => undefined, error: (m) => errors.push(m) } });
    expect(code).toBe(1);
    expect(existsSync(outdir)).toBe(false);
    expect(errors.join('\n')).toMatch(/policy errors?; nothing was synthesized/);
    expect(errors.join("\n")).toMatch(/\[CM-TOPIC-2\] error: payments-prod\/payment-events-v1\/Topic: A production topic has replication_factor ≥ 3\. topic "payments\.payment-events\.v1" has replication_factor 2/);
    expect(errors.join('\n')).toMatch(/suppressions: \[\{ rule: 'CM-…'/);
  });
});
