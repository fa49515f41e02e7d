import { Testing } from 'cdktf';
import { deriveIdentities } from '../../contracts/derive/identities';
import { IdentitiesStack } from '../../stacks/identities-stack';
import { compiled, dev, prod } from '../helpers';
import { deployedSpec, plan, resources, synthAll } from '../aws-helpers';

describe('identities-<env>', () => {
  const orders = { ...deployedSpec(), domain: 'orders', name: 'order-events', producer: { principal: 'User:order-service' }, owner: { team: 'o', contact: 'o@example.com' } };
  const all = synthAll(plan([deployedSpec(), orders], [dev, prod]));

  it('creates each principal\'s SCRAM secret exactly once per environment, in the identities stack only', () => {
    const owners = new Map<string, string[]>();
    for (const [stack, tf] of Object.entries(all)) {
      for (const s of resources(tf, 'aws_secretsmanager_secret')) owners.set(s.name, [...(owners.get(s.name) ?? []), stack]);
    }
    // ledger-sink and fraud-scoring are named by both domains.
    expect(owners.get('AmazonMSK_dev_ledger-sink')).toEqual(['identities-dev']);
    expect(owners.get('AmazonMSK_prod_fraud-scoring')).toEqual(['identities-prod']);
    for (const [name, stacks] of owners) {
      expect({ name, stacks }).toEqual({ name, stacks: [stacks[0]] });
      expect(stacks[0]).toMatch(/^identities-/);
    }
    expect([...owners.keys()].filter((n) => n.startsWith('AmazonMSK_dev_')).sort()).toEqual([
      'AmazonMSK_dev_fraud-scoring', 'AmazonMSK_dev_ledger-sink', 'AmazonMSK_dev_order-service', 'AmazonMSK_dev_payments-api', 'AmazonMSK_dev_payments-oncall',
    ]);
  });

  it('encrypts every secret with the platform key and associates it with the platform cluster', () => {
    const tf = all['identities-dev'];
    for (const s of resources(tf, 'aws_secretsmanager_secret')) expect(s.kms_key_id).toBe('${data.terraform_remote_state.Platform.outputs.kms_key_arn}');
    const assoc = resources(tf, 'aws_msk_single_scram_secret_association');
    expect(assoc).toHaveLength(5);
    for (const a of assoc) {
      expect(a.cluster_arn).toBe('${data.terraform_remote_state.Platform.outputs.msk_cluster_arn}');
      expect(a.secret_arn).toMatch(/^\$\{aws_secretsmanager_secret\..*\.arn\}$/);
    }
  });

  it('never puts a password in the synthesized JSON: write-only from an ephemeral Secrets Manager password', () => {
    const tf = all['identities-prod'];
    for (const v of resources(tf, 'aws_secretsmanager_secret_version')) {
      expect(v.secret_string).toBeUndefined();
      expect(v.secret_string_wo).toMatch(/^\$\{jsonencode\(\{ username = "[^"]+", password = ephemeral\.aws_secretsmanager_random_password\.[^.]+\.random_password \}\)\}$/);
      expect(v.secret_string_wo_version).toBe(1);
    }
    expect(Object.keys(tf.ephemeral.aws_secretsmanager_random_password)).toHaveLength(5);
    expect(tf.resource.random_password).toBeUndefined();
    expect(JSON.stringify(tf)).not.toMatch(/"password"\s*:/);
  });

  it('uses the Kafka provider\'s SCRAM credential, not the MSK association, for a kafka-scram-credential environment', () => {
    const selfManaged = { ...dev, aws: { ...dev.aws!, identityMechanism: 'kafka-scram-credential' as const } };
    const stack = new IdentitiesStack(Testing.app(), selfManaged, deriveIdentities([compiled()], selfManaged));
    const tf = JSON.parse(Testing.synth(stack, true));
    expect(tf.resource.aws_msk_single_scram_secret_association).toBeUndefined();
    const creds = resources(tf, 'kafka_user_scram_credential');
    expect(creds.map((c) => c.username).sort()).toEqual(['fraud-scoring', 'ledger-sink', 'payments-api', 'payments-oncall']);
    for (const c of creds) {
      expect(c).toMatchObject({ scram_mechanism: 'SCRAM-SHA-512', password_wo_version: '1' });
      expect(c.password).toBeUndefined();
      expect(c.password_wo).toMatch(/^\$\{ephemeral\.aws_secretsmanager_random_password\..*\.random_password\}$/);
    }
    expect(tf.provider.kafka[0].sasl_mechanism).toBe('aws-iam');
    // its Kafka provider connects to the platform's brokers, through the Platform state it already reads
    expect(tf.provider.kafka[0].bootstrap_servers).toBe('${split(",", data.terraform_remote_state.Platform.outputs.bootstrap_brokers_sasl_iam)}');
    expect(Object.keys(tf.data.terraform_remote_state)).toEqual(['Platform']);
  });

  it('exports every secret ARN by Kafka user name, and gives the admin principal none', () => {
    const out = all['identities-dev'].output.scram_secret_arns.value;
    expect(Object.keys(out).sort()).toEqual(['fraud-scoring', 'ledger-sink', 'order-service', 'payments-api', 'payments-oncall']);
    expect(JSON.stringify(all['identities-dev'])).not.toContain(dev.kafka.adminPrincipal.replace('User:', 'AmazonMSK_dev_'));
  });

  it('reads the platform state of its own environment', () => {
    expect(all['identities-dev'].data.terraform_remote_state.Platform).toEqual({ backend: 'local', config: { path: '../../../terraform-state/platform-dev.tfstate' } });
    expect(all['identities-prod'].data.terraform_remote_state.Platform).toMatchObject({ backend: 's3', config: { key: 'contract-mesh/platform-prod.tfstate', encrypt: true } });
  });

  it('matches the snapshot of its identities', () => {
    expect(resources(all['identities-prod'], 'aws_secretsmanager_secret').map((s) => [s.name, s.description, s.recovery_window_in_days])).toMatchSnapshot();
  });
});
