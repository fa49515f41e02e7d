import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baselineInput } from '../../bench/baseline-input';

/** A mesh output folder with one stack `d-dev` whose cdk.tf.json is `tf`. */
function meshOut(dir: string, tf: object, annotations: object[] = []): string {
  const out = join(dir, 'cdktf.out');
  mkdirSync(join(out, 'stacks', 'd-dev'), { recursive: true });
  writeFileSync(join(out, 'stacks', 'd-dev', 'cdk.tf.json'), JSON.stringify(tf));
  writeFileSync(
    join(out, 'manifest.json'),
    JSON.stringify({ stacks: { 'd-dev': { annotations, dependencies: [], synthesizedStackPath: 'stacks/d-dev/cdk.tf.json', workingDirectory: 'stacks/d-dev' } } }),
  );
  return out;
}

const meta = (path: string) => ({ '//': { metadata: { path: `d-dev/${path}`, uniqueId: path.replace(/\//g, '_') } } });

const STACK = {
  '//': { metadata: { backend: 'local', stackName: 'd-dev', version: '0.21.0' } },
  terraform: { backend: { local: { path: 'terraform.d-dev.tfstate' } }, required_providers: {} },
  provider: { aws: [{ allowed_account_ids: ['1'], default_tags: [{ tags: { 'managed-by': 'contract-mesh' } }], region: 'eu-west-1' }] },
  resource: {
    aws_lambda_function: {
      F: { ...meta('Sinks/Function'), depends_on: ['aws_cloudwatch_log_group.L'], environment: { variables: { DB_HOST: 'h' } }, function_name: 'f', provider: 'aws' },
    },
    aws_cloudwatch_log_group: { L: { ...meta('Sinks/Logs'), name: 'l', retention_in_days: 30 } },
    kafka_topic: { T: { ...meta('p-v1/Topic'), config: { 'retention.ms': '1' }, replication_factor: 3, lifecycle: { prevent_destroy: true } } },
  },
  data: { terraform_remote_state: { Platform: { backend: 'local', config: { path: '../p/terraform.p.tfstate' } } } },
  output: { o: { value: { a: '${aws_lambda_function.F.arn}' }, description: 'd' } },
};

describe('bench baseline input (bench/baseline-input.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mesh-bench-input-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('turns Terraform JSON into binding props: camelCase names, map keys kept, construct paths, dependencies first', () => {
    const input = baselineInput(meshOut(dir, STACK, [{ constructPath: 'd-dev/p-v1', level: '@cdktf/warn', message: 'w' }]), join(dir, 'hand'));
    expect(input.stacks).toHaveLength(1);
    const s = input.stacks[0];
    expect(s.backend).toEqual({ type: 'local', config: { path: 'terraform.d-dev.tfstate' }, useLockfile: false });
    expect(s.providers.aws).toEqual({ allowedAccountIds: ['1'], defaultTags: [{ tags: { 'managed-by': 'contract-mesh' } }], region: 'eu-west-1' });
    const logs = s.resources.findIndex((r) => r.type === 'aws_cloudwatch_log_group');
    const fn = s.resources.findIndex((r) => r.type === 'aws_lambda_function');
    expect(logs).toBeLessThan(fn);
    expect(s.resources[fn]).toEqual({
      type: 'aws_lambda_function',
      path: 'Sinks/Function',
      props: { environment: { variables: { DB_HOST: 'h' } }, functionName: 'f' },
      provider: 'aws',
      dependsOn: [logs],
    });
    expect(s.resources.find((r) => r.type === 'kafka_topic')?.props).toEqual({ config: { 'retention.ms': '1' }, replicationFactor: 3, lifecycle: { preventDestroy: true } });
    expect(s.remoteStates).toEqual([{ id: 'Platform', backend: 'local', config: { path: '../p/terraform.p.tfstate' } }]);
    expect(s.outputs).toEqual([{ id: 'o', value: { a: '${aws_lambda_function.F.arn}' }, description: 'd' }]);
    expect(s.annotations).toEqual([{ path: 'p-v1', level: '@cdktf/warn', message: 'w' }]);
  });

  it('keeps the stack-level required_version override (every mesh stack sets one)', () => {
    const tf = { ...STACK, '//': { metadata: { ...STACK['//'].metadata, overrides: { stack: ['terraform'] } } }, terraform: { ...STACK.terraform, required_version: '>= 1.11' } };
    const s = baselineInput(meshOut(dir, tf), join(dir, 'hand')).stacks[0];
    expect(s.requiredVersion).toBe('>= 1.11');
    expect(s.backend.useLockfile).toBe(false);
    // an override the baseline cannot reproduce still fails loudly
    expect(() => baselineInput(meshOut(dir, { ...tf, terraform: STACK.terraform }), join(dir, 'hand'))).toThrow(/d-dev: an override other than use_lockfile and required_version/);
  });

  it('fails loudly if the mesh synthesizes a block the baseline does not know', () => {
    expect(() => baselineInput(meshOut(dir, { ...STACK, moved: [{}] }), join(dir, 'hand'))).toThrow(/d-dev: top-level block moved .* extend bench\/baseline-input\.ts/);
  });

  it('fails loudly if a resource depends on something that is not a resource of the stack', () => {
    const tf = { ...STACK, resource: { aws_cloudwatch_log_group: { L: { ...meta('Logs'), depends_on: ['aws_x.Y'] } } } };
    expect(() => baselineInput(meshOut(dir, tf), join(dir, 'hand'))).toThrow(/aws_cloudwatch_log_group\.L depends on aws_x\.Y/);
  });
});
