/** The guardrails cover the stacks no contract declares too: platform-<env> and identities-<env>. */
import { Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { buildStacks } from '../../stacks/app';
import { meshPolicyOf } from '../../stacks/apply-policy';
import { dev, prod } from '../helpers';
import { deployedSpec, plan, resources, synthAll } from '../aws-helpers';

describe('policy guardrails on the platform and identities stacks', () => {
  it('adds the rule pack to every stack, not only the domain stacks', () => {
    const stacks = buildStacks(Testing.app(), plan([deployedSpec()], [dev, prod]));
    expect(stacks.map((s) => s.node.id).sort()).toEqual(['identities-dev', 'identities-prod', 'payments-dev', 'payments-prod', 'platform-dev', 'platform-prod']);
    for (const s of stacks) expect(meshPolicyOf(s)).toBeDefined();
  });

  it('keeps every production identity secret from being destroyed', () => {
    const tf = synthAll(plan([deployedSpec()], [prod]))['identities-prod'];
    const secrets = resources(tf, 'aws_secretsmanager_secret');
    expect(secrets.length).toBeGreaterThanOrEqual(4);
    for (const s of secrets) expect(s.lifecycle).toEqual({ prevent_destroy: true });
  });

  it('fails if a platform resource breaks an error rule (a log group without retention)', () => {
    const stacks = buildStacks(Testing.app(), plan([deployedSpec()], [prod]));
    const platform = stacks.find((s) => s.node.id === 'platform-prod')!;
    new CloudwatchLogGroup(platform, 'Unbounded', { name: '/mesh/prod/unbounded', kmsKeyId: 'arn:aws:kms:eu-west-1:111111111111:key/platform' });
    const policy = meshPolicyOf(platform)!;
    expect(() => Testing.synth(platform)).toThrow(/1 policy error in stack platform-prod;.*\n.*\[CM-LOG-1\] error: platform-prod\/Unbounded/);
    expect(policy.findings.filter((f) => f.level === 'error' && !f.suppressed).map((f) => `${f.rule} ${f.path}`)).toEqual([
      'CM-LOG-1 platform-prod/Unbounded',
    ]);
  });
});
