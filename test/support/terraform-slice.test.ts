import { awsSlice, placeholderFor } from './terraform-slice';

const synthesized = {
  provider: {
    kafka: [{ bootstrap_servers: ['b-1:9098'], sasl_mechanism: 'aws-iam' }],
    aws: [{ region: 'eu-west-1', assume_role: [{ role_arn: 'arn:aws:iam::1:role/deployer' }] }],
  },
  terraform: {
    backend: { s3: { bucket: 'state', key: 'x.tfstate', region: 'eu-west-1', encrypt: true } },
    required_providers: { aws: { source: 'aws', version: '5.100.0' }, kafka: { source: 'mongey/kafka', version: '0.13.1' } },
  },
  data: {
    terraform_remote_state: { platform: { backend: 's3', config: {} } },
    aws_caller_identity: { me: {} },
  },
  ephemeral: { aws_secretsmanager_random_password: { pw: { password_length: 32 } } },
  resource: {
    kafka_topic: { t: { name: 'payments.payment-events.v1', partitions: 4 } },
    kafka_user_scram_credential: { u: { username: 'ledger', password_wo: '${ephemeral.aws_secretsmanager_random_password.pw.random_password}' } },
    aws_secretsmanager_secret: {
      s: { name: 'AmazonMSK_dev_ledger', kms_key_id: '${data.terraform_remote_state.platform.outputs.scram_key_arn}' },
    },
    aws_secretsmanager_secret_version: {
      v: {
        secret_id: '${aws_secretsmanager_secret.s.id}',
        secret_string_wo: '${jsonencode({username = "ledger", password = ephemeral.aws_secretsmanager_random_password.pw.random_password})}',
        depends_on: ['kafka_topic.t', 'aws_secretsmanager_secret.s'],
      },
    },
    aws_ssm_parameter: { topic: { name: '/x', type: 'String', value: 'topic ${kafka_topic.t.name} in ${data.aws_caller_identity.me.account_id}' } },
  },
  output: { topic: { value: '${kafka_topic.t.name}' } },
};

describe('awsSlice', () => {
  const slice = awsSlice(synthesized, { statePath: '/tmp/x/terraform.tfstate' });

  it('removes every non-AWS resource, data source and provider, and names them', () => {
    expect(Object.keys(slice.config.resource).sort()).toEqual(['aws_secretsmanager_secret', 'aws_secretsmanager_secret_version', 'aws_ssm_parameter']);
    expect(Object.keys(slice.config.data)).toEqual(['aws_caller_identity']);
    expect(Object.keys(slice.config.provider)).toEqual(['aws']);
    expect(slice.config.terraform.required_providers).toEqual({ aws: { source: 'aws', version: '5.100.0' } });
    expect(slice.removed).toEqual(['data.terraform_remote_state.platform', 'kafka_topic.t', 'kafka_user_scram_credential.u', 'provider.kafka']);
    expect(slice.resourceCount).toBe(3);
  });

  it('forces a local backend and an aws provider that never asks AWS for credentials', () => {
    expect(slice.config.terraform.backend).toEqual({ local: { path: '/tmp/x/terraform.tfstate' } });
    expect(slice.config.provider.aws).toEqual([
      expect.objectContaining({ region: 'eu-west-1', skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true }),
    ]);
    expect(slice.config.provider.aws[0].assume_role).toBeUndefined();
  });

  it('replaces references to removed blocks by placeholders and keeps references to AWS ones', () => {
    const secret = slice.config.resource.aws_secretsmanager_secret.s;
    expect(secret.kms_key_id).toBe(`\${${JSON.stringify(placeholderFor('data.terraform_remote_state.platform.outputs.scram_key_arn'))}}`);
    const param = slice.config.resource.aws_ssm_parameter.topic.value;
    expect(param).toContain(JSON.stringify(placeholderFor('kafka_topic.t.name')));
    expect(param).toContain('${data.aws_caller_identity.me.account_id}');
    expect(slice.config.output.topic.value).not.toContain('kafka_topic.t');
  });

  it('drops depends_on entries that name removed blocks', () => {
    expect(slice.config.resource.aws_secretsmanager_secret_version.v.depends_on).toEqual(['aws_secretsmanager_secret.s']);
  });

  it('keeps AWS ephemeral resources for validate, and drops them (with placeholders) for plan', () => {
    expect(slice.config.ephemeral.aws_secretsmanager_random_password.pw).toBeDefined();
    const forPlan = awsSlice(synthesized, { statePath: '/s', dropEphemeral: true });
    expect(forPlan.config.ephemeral).toBeUndefined();
    expect(forPlan.config.resource.aws_secretsmanager_secret_version.v.secret_string_wo).toContain(
      JSON.stringify(placeholderFor('ephemeral.aws_secretsmanager_random_password.pw.random_password')),
    );
  });

  it('fails if the input is mutated', () => {
    expect(synthesized.resource.kafka_topic.t.name).toBe('payments.payment-events.v1');
    expect(synthesized.provider.kafka).toHaveLength(1);
  });

  it('leaves literal strings that only look like addresses alone', () => {
    const s = awsSlice({ resource: { kafka_topic: { t: {} }, aws_ssm_parameter: { p: { name: '/x', type: 'String', value: 'kafka_topic.t.name' } } } }, { statePath: '/s' });
    expect(s.config.resource.aws_ssm_parameter.p.value).toBe('kafka_topic.t.name');
  });
});
