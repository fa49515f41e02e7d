/** MeshStack: checks read the configuration synth writes; the policy finds the same on it as on any stack. */
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { MeshPolicy } from '../../constructs/mesh-policy';
import { MeshStack, ON_SYNTHESIZED, synthesisHook, type StackConfig } from '../../constructs/mesh-stack';
import { prod } from '../helpers';

/** A customer-managed key, so that a log group breaks only the rule a case is about (CM-LOG-2 wants one). */
const KEY = 'arn:aws:kms:eu-west-1:111111111111:key/test';

function withLogGroups<T extends TerraformStack>(stack: T, unbounded = true): T {
  new AwsProvider(stack, 'Aws', { region: 'eu-west-1' });
  new CloudwatchLogGroup(stack, 'Kept', { name: '/mesh/kept', retentionInDays: 30, kmsKeyId: KEY });
  if (unbounded) new CloudwatchLogGroup(stack, 'Unbounded', { name: '/mesh/unbounded', kmsKeyId: KEY });
  return stack;
}

describe('MeshStack', () => {
  it('gives each registered check the very configuration synth returns, on every synth', () => {
    const stack = withLogGroups(new MeshStack(Testing.app(), 'a'));
    const seen: StackConfig[] = [];
    stack[ON_SYNTHESIZED]((config) => seen.push(config));
    const first = stack.toTerraform();
    const second = stack.toTerraform();
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(first);
    expect(seen[1]).toBe(second);
    expect(Object.keys((first as { resource: Record<string, unknown> }).resource.aws_cloudwatch_log_group as object)).toHaveLength(2);
  });

  it('is found by its symbol; a plain TerraformStack has no hook', () => {
    const app = Testing.app();
    expect(synthesisHook(new MeshStack(app, 'a'))).toBeInstanceOf(Function);
    expect(synthesisHook(new TerraformStack(app, 'b'))).toBeUndefined();
  });
});

describe('MeshPolicy on a MeshStack', () => {
  const policyOn = (stack: TerraformStack) => {
    const policy = new MeshPolicy({ environment: prod, products: [] });
    Aspects.of(stack).add(policy);
    return policy;
  };

  it('finds what it finds on a plain TerraformStack with the same resources', () => {
    const plain = withLogGroups(new TerraformStack(Testing.app(), 'logs-prod'));
    const mesh = withLogGroups(new MeshStack(Testing.app(), 'logs-prod'));
    const a = policyOn(plain);
    const b = policyOn(mesh);
    Testing.synth(plain);
    expect(() => Testing.synth(mesh)).toThrow(/\[CM-LOG-1\] error: logs-prod\/Unbounded/);
    expect(a.findings.map((f) => `${f.rule} ${f.path}`)).toEqual(['CM-LOG-1 logs-prod/Unbounded']);
    expect(b.findings).toEqual(a.findings);
  });

  it('reads stack-level overrides: it checks what is written, not what the constructs say', () => {
    const stack = withLogGroups(new MeshStack(Testing.app(), 'logs-prod'));
    stack.addOverride('resource.aws_cloudwatch_log_group.Unbounded.retention_in_days', 7);
    const policy = policyOn(stack);
    expect(() => Testing.synth(stack)).not.toThrow();
    expect(policy.findings).toEqual([]);
  });

  it('fails if an error is found, unless errors are deferred: then synth writes and the caller reads the findings', () => {
    const app = new App({ outdir: Testing.app().outdir, stackTraces: false });
    const stack = withLogGroups(new MeshStack(app, 'logs-prod'));
    const policy = policyOn(stack);
    policy.deferErrors();
    expect(() => app.synth()).not.toThrow();
    expect(policy.findings.filter((f) => f.level === 'error').map((f) => f.path)).toEqual(['logs-prod/Unbounded']);
  });
});

describe('the cost of the policy on a MeshStack', () => {
  // Resolving configuration is most of what synth costs; the policy must not add a pass of its own.
  const passesOf = (stack: TerraformStack) => {
    withLogGroups(stack, false);
    const kept = stack.node.tryFindChild('Kept') as CloudwatchLogGroup;
    const calls = jest.spyOn(kept, 'toTerraform');
    const policy = new MeshPolicy({ environment: prod, products: [] });
    Aspects.of(stack).add(policy);
    (stack.node.root as App).synth();
    expect(policy.findings).toEqual([]);
    return calls.mock.calls.length;
  };
  const newApp = () => new App({ outdir: Testing.app().outdir, stackTraces: false });

  it('reads each element once for synth and the policy together (cdktf itself reads it twice: prepare, then synth)', () => {
    expect(passesOf(new MeshStack(newApp(), 'logs-prod'))).toBe(2);
  });

  it('fails if the policy resolves a stack again: on a plain TerraformStack it needs a pass of its own', () => {
    expect(passesOf(new TerraformStack(newApp(), 'logs-prod'))).toBe(3);
  });
});
