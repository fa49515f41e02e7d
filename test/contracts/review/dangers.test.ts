import { findDangers } from '../../../contracts/review/dangers';
import { diffResources } from '../../../contracts/review/resource-diff';
import { EMPTY_MANIFEST, EMPTY_OUTPUT, stackFromTerraform, type SynthOutput } from '../../../contracts/review/synth-output';

const policy = (statements: unknown[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const output = (stack: string, resources: Record<string, Record<string, unknown>>): SynthOutput => ({
  stacks: new Map([[stack, stackFromTerraform(stack, { resource: resources })]]),
  manifest: EMPTY_MANIFEST,
});
const dangersOf = (base: SynthOutput, head: SynthOutput) => findDangers(diffResources(base, head), base.manifest, head.manifest);

describe('IAM grants', () => {
  const role = (actions: string[]) => ({ aws_iam_role_policy: { sink: { name: 'sink', role: 'r', policy: policy([{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:secretsmanager:eu-west-1:1:secret:mesh/sink-AbCdEf' }]) } } });
  it('holds: an unchanged policy is no danger', () => {
    expect(dangersOf(output('platform-prod', role(['secretsmanager:GetSecretValue'])), output('platform-prod', role(['secretsmanager:GetSecretValue'])))).toEqual([]);
  });
  it('fails if a policy widens: the new action is named', () => {
    const d = dangersOf(output('platform-prod', role(['secretsmanager:GetSecretValue'])), output('platform-prod', role(['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'])));
    expect(d.map((x) => [x.code, x.level])).toEqual([['CM-DANGER-GRANT-WIDENS', 'warning']]);
    expect(d[0].message).toContain('allows secretsmanager:PutSecretValue on `arn:aws:secretsmanager:eu-west-1:1:secret:mesh/sink-AbCdEf`');
  });
});

describe('IAM grants of policies that embed Terraform references (as synthesized)', () => {
  /** JSON.stringify, then each «expression» becomes `${expression}` with its quotes raw, as cdktf resolves a token. */
  const synthesized = (statements: unknown[]) => policy(statements).replace(/«(.*?)»/g, (_m, e: string) => `\${${e.replace(/\\"/g, '"')}}`);
  const secret = '«data.terraform_remote_state.Identities.outputs.scram_secret_arns["ledger-sink"]»';
  const via = { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } };
  const exec = (statements: unknown[]) => ({ aws_iam_role_policy: { exec: { name: 'least-privilege', role: '${aws_iam_role.exec.id}', policy: synthesized(statements) } } });
  const read = { Sid: 'ReadOwnSecrets', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [secret] };
  const decrypt = (condition?: unknown) => ({ Sid: 'Decrypt', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: ['«data.terraform_remote_state.Platform.outputs.kms_key_arn»'], ...(condition ? { Condition: condition } : {}) });

  it('holds: the same policy with the same references is no danger', () => {
    expect(dangersOf(output('orders-prod', exec([read, decrypt(via)])), output('orders-prod', exec([read, decrypt(via)])))).toEqual([]);
  });

  it('fails if another secret is granted by reference: the reference is named', () => {
    const other = { ...read, Resource: [secret, '«data.terraform_remote_state.Identities.outputs.scram_secret_arns["payments-api"]»'] };
    const d = dangersOf(output('orders-prod', exec([read, decrypt(via)])), output('orders-prod', exec([other, decrypt(via)])));
    expect(d.map((x) => [x.code, x.level])).toEqual([['CM-DANGER-GRANT-WIDENS', 'warning']]);
    expect(d[0].message).toBe('aws_iam_role_policy at aws_iam_role_policy.exec widens: allows secretsmanager:GetSecretValue on `${data.terraform_remote_state.Identities.outputs.scram_secret_arns["payments-api"]}`');
  });

  it('fails if a grant loses its condition (a key usable directly, not only through Secrets Manager)', () => {
    const d = dangersOf(output('orders-prod', exec([read, decrypt(via)])), output('orders-prod', exec([read, decrypt()])));
    expect(d.map((x) => x.code)).toEqual(['CM-DANGER-GRANT-WIDENS']);
    expect(d[0].message).toContain('allows kms:Decrypt on `${data.terraform_remote_state.Platform.outputs.kms_key_arn}` without its condition on kms:ViaService');
  });

  it("fails if a role's trust policy lets another principal assume it", () => {
    const role = (services: string[]) => ({ aws_iam_role: { exec: { name: 'exec', assume_role_policy: synthesized([{ Effect: 'Allow', Principal: { Service: services }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': '«data.aws_caller_identity.me.account_id»' } } }]) } } });
    const d = dangersOf(output('orders-prod', role(['ecs-tasks.amazonaws.com'])), output('orders-prod', role(['ecs-tasks.amazonaws.com', 'lambda.amazonaws.com'])));
    expect(d.map((x) => x.message)).toEqual(['aws_iam_role at aws_iam_role.exec widens: allows sts:AssumeRole by `Service lambda.amazonaws.com` if aws:SourceAccount']);
  });

  it('fails if a policy becomes one the review cannot read', () => {
    const d = dangersOf(output('orders-prod', exec([read])), output('orders-prod', { aws_iam_role_policy: { exec: { name: 'least-privilege', role: 'r', policy: '${file("exec.json")}' } } }));
    expect(d.map((x) => x.code)).toEqual(['CM-DANGER-GRANT-WIDENS']);
    expect(d[0].message).toMatch(/has a policy the review cannot read \(policy: it is the value of \$\{file\("exec.json"\)\}.*\): check what it grants by hand/);
  });

  it('describes a new policy in full, and briefly (its actions, a count of resources) for a long list', () => {
    const [d] = dangersOf(EMPTY_OUTPUT, output('orders-prod', exec([read, decrypt(via)])));
    expect(d).toMatchObject({ code: 'CM-DANGER-GRANT-WIDENS', created: true });
    expect(d.message).toBe('new aws_iam_role_policy at aws_iam_role_policy.exec allows kms:Decrypt on `${data.terraform_remote_state.Platform.outputs.kms_key_arn}` if kms:ViaService; secretsmanager:GetSecretValue on `${data.terraform_remote_state.Identities.outputs.scram_secret_arns["ledger-sink"]}`');
    expect(d.brief).toBe('new aws_iam_role_policy at aws_iam_role_policy.exec allows kms:Decrypt, secretsmanager:GetSecretValue on 2 resources');
  });
});

describe('stateful resources other than topics', () => {
  const secret = (lifecycle: Record<string, unknown> | undefined, name = 'mesh/sink') => ({ aws_secretsmanager_secret: { s: { name, ...(lifecycle ? { lifecycle } : {}) } } });
  it('fails if a prod secret is replaced (its name changes)', () => {
    const d = dangersOf(output('platform-prod', secret({ prevent_destroy: true })), output('platform-prod', secret({ prevent_destroy: true }, 'mesh/other')));
    expect(d.map((x) => [x.code, x.level, x.dataLoss])).toEqual([['CM-DANGER-DESTROY', 'error', true]]);
  });
  it('fails if prevent_destroy is removed in prod; only warns in dev', () => {
    expect(dangersOf(output('platform-prod', secret({ prevent_destroy: true })), output('platform-prod', secret(undefined))).map((x) => [x.code, x.level])).toEqual([['CM-DANGER-PREVENT-DESTROY', 'error']]);
    expect(dangersOf(output('platform-dev', secret({ prevent_destroy: true })), output('platform-dev', secret(undefined))).map((x) => x.level)).toEqual(['warning']);
  });
});

describe('topic config', () => {
  const topic = (config: Record<string, string>, extra: Record<string, unknown> = {}) => ({ kafka_topic: { t: { name: 'x.y.v1', partitions: 3, replication_factor: 3, config, ...extra } } });
  it('warns if a config key is removed: it reverts to the broker default', () => {
    const d = dangersOf(output('x-prod', topic({ 'retention.ms': '86400000', 'max.message.bytes': '65536' })), output('x-prod', topic({ 'retention.ms': '86400000' })));
    expect(d.map((x) => [x.code, x.level])).toEqual([['CM-DANGER-CONFIG-DEFAULT', 'warning']]);
    expect(d[0].message).toMatch(/"max.message.bytes" is removed \(was 65536\).*reverts to the broker's default/);
  });
  it('warns on a replication change and fails if a topic changes its Terraform address', () => {
    expect(dangersOf(output('x-prod', topic({}, { replication_factor: 3 })), output('x-prod', topic({}, { replication_factor: 2 }))).map((x) => x.code)).toEqual(['CM-DANGER-REPLICATION']);
    const moved = { kafka_topic: { renamed: { name: 'x.y.v1', partitions: 3, replication_factor: 3, config: {} } } };
    const d = dangersOf(output('x-prod', topic({})), output('x-prod', moved));
    expect(d.map((x) => [x.code, x.level])).toEqual([['CM-DANGER-DESTROY', 'error']]);
    expect(d[0].message).toContain('changes its Terraform address');
  });
  it('treats any ACL change as destroy and create', () => {
    const acl = (op: string) => ({ kafka_acl: { a: { acl_principal: 'User:x', acl_host: '*', acl_operation: op, acl_permission_type: 'Allow', resource_type: 'Topic', resource_name: 't' } } });
    const changes = diffResources(output('x-prod', acl('Read')), output('x-prod', acl('Describe')));
    expect(changes.map((c) => c.action)).toEqual(['replace']);
  });
});

describe('IAM policy documents (data sources)', () => {
  const doc = (actions: string[]) => ({ statement: [{ effect: 'Allow', actions, resources: ['arn:aws:kafka:eu-west-1:1:topic/mesh/*/payments.payment-events.v1'] }] });
  const out = (actions: string[]): SynthOutput => ({
    stacks: new Map([['platform-prod', stackFromTerraform('platform-prod', { data: { aws_iam_policy_document: { sink: doc(actions) } }, resource: { aws_iam_role_policy: { sink: { name: 'sink', role: 'r', policy: '${data.aws_iam_policy_document.sink.json}' } } } })]]),
    manifest: EMPTY_MANIFEST,
  });
  it('fails if a policy document behind a reference widens; data sources are not counted as resource changes', () => {
    const changes = diffResources(out(['kafka-cluster:ReadData']), out(['kafka-cluster:ReadData', 'kafka-cluster:WriteData']));
    expect(changes.map((c) => [c.kind, c.address, c.action])).toEqual([['data', 'data.aws_iam_policy_document.sink', 'update']]);
    const d = findDangers(changes, EMPTY_MANIFEST, EMPTY_MANIFEST);
    expect(d.map((x) => x.code)).toEqual(['CM-DANGER-GRANT-WIDENS']);
    expect(d[0].message).toContain('allows kafka-cluster:WriteData on `arn:aws:kafka:eu-west-1:1:topic/mesh/*/payments.payment-events.v1`');
  });
});

describe('the platform database and the migration function', () => {
  const db = (extra: Record<string, unknown>) => ({ aws_db_instance: { Instance: { identifier: 'mesh-prod-postgres', engine: 'postgres', lifecycle: { prevent_destroy: true }, ...extra } } });
  it('warns that a new parameter group applies only after a reboot, naming the command', () => {
    const d = dangersOf(output('platform-prod', db({})), output('platform-prod', db({ parameter_group_name: '${aws_db_parameter_group.Parameters.name}' })));
    expect(d.map((x) => [x.code, x.level])).toEqual([['CM-DANGER-DB-REBOOT', 'warning']]);
    expect(d[0].message).toMatch(/applies it only after a reboot.*aws rds reboot-db-instance --db-instance-identifier mesh-prod-postgres/);
  });
  it('holds: an unchanged parameter group needs no reboot', () => {
    const same = db({ parameter_group_name: '${aws_db_parameter_group.Parameters.name}' });
    expect(dangersOf(output('platform-prod', same), output('platform-prod', same))).toEqual([]);
  });
  it('warns when the migration function stops verifying the database certificate', () => {
    const fn = (verify: string) => ({ aws_lambda_function: { MigrationFunction: { function_name: 'cm-payments-prod-pg-migrate', environment: { variables: { DB_TLS_VERIFY: verify } } } } });
    const d = dangersOf(output('payments-prod', fn('true')), output('payments-prod', fn('false')));
    expect(d.map((x) => [x.code, x.level])).toEqual([['CM-DANGER-TLS-UNVERIFIED', 'warning']]);
    expect(dangersOf(output('payments-prod', fn('true')), output('payments-prod', fn('true')))).toEqual([]);
  });
});
