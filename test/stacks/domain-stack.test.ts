import { join } from 'node:path';
import { Testing } from 'cdktf';
import { Acl } from '../../.gen/providers/kafka/acl';
import { KafkaProvider } from '../../.gen/providers/kafka/provider';
import { Topic } from '../../.gen/providers/kafka/topic';
import { discoverProducts } from '../../contracts/discover';
import { defineDataProduct } from '../../contracts/dsl/data-product';
import { planMesh, type StackPlan } from '../../contracts/mesh';
import { DomainStack } from '../../stacks/domain-stack';
import { dev, FIXTURE_MIGRATIONS, FIXTURE_PRODUCTS, prod, spec } from '../helpers';

const root = join(__dirname, '..', '..');

function synthStack(plan: StackPlan): string {
  const app = Testing.app();
  return Testing.synth(new DomainStack(app, plan, { migrationsRoot: FIXTURE_MIGRATIONS }), true);
}

function examplePlan(name: string): StackPlan {
  const { entries } = discoverProducts(FIXTURE_PRODUCTS, root);
  const plan = planMesh(entries, [dev, prod]).stacks.find((s) => s.name === name);
  if (!plan) throw new Error(`no stack ${name}`);
  return plan;
}

function resources(json: string, type: string): Record<string, Record<string, unknown>> {
  return (JSON.parse(json).resource?.[type] ?? {}) as Record<string, Record<string, unknown>>;
}

describe('DomainStack', () => {
  const paymentsProd = synthStack(examplePlan('payments-prod'));
  const paymentsDev = synthStack(examplePlan('payments-dev'));

  it('creates the topic with its derived configuration', () => {
    expect(paymentsProd).toHaveResourceWithProperties(Topic, {
      name: 'payments.payment-events.v1',
      partitions: 4,
      replication_factor: 3,
      config: { 'cleanup.policy': 'delete', 'retention.ms': String(7 * 86_400_000), 'min.insync.replicas': '2' },
      lifecycle: { prevent_destroy: true },
    });
  });

  it('creates the dead-letter topic', () => {
    expect(paymentsProd).toHaveResourceWithProperties(Topic, {
      name: 'payments.payment-events.v1.dlq',
      partitions: 1,
      replication_factor: 3,
      config: expect.objectContaining({ 'cleanup.policy': 'delete', 'retention.ms': String(14 * 86_400_000) }),
    });
  });

  it('does not protect dev topics from destroy', () => {
    expect(paymentsDev).not.toHaveResourceWithProperties(Topic, { lifecycle: { prevent_destroy: true } });
    expect(paymentsDev).toHaveResourceWithProperties(Topic, { name: 'payments.payment-events.v1', replication_factor: 2 });
  });

  it('creates exactly the derived ACLs, all Literal, Allow, host *', () => {
    const acls = Object.values(resources(paymentsProd, Acl.tfResourceType));
    // payment-events: 3 producer + 2 × 4 consumer + 3 owner = 14; refund-events: 3 + 4 + 3 = 10
    expect(acls).toHaveLength(24);
    for (const a of acls) {
      expect(a).toMatchObject({ acl_host: '*', acl_permission_type: 'Allow', resource_pattern_type_filter: 'Literal' });
      expect(a.acl_principal).toMatch(/^User:[a-z-]+$/);
    }
    expect(paymentsProd).toHaveResourceWithProperties(Acl, {
      acl_principal: 'User:ledger-sink',
      acl_operation: 'Read',
      resource_type: 'Group',
      resource_name: 'payments.payment-events.v1.ledger',
    });
    expect(paymentsProd).toHaveResourceWithProperties(Acl, {
      acl_principal: 'User:payments-oncall',
      acl_operation: 'Read',
      resource_type: 'Group',
      resource_name: 'payments.payment-events.v1.dlq.replay',
    });
  });

  it('fails if an ACL would reach a principal the contract does not name', () => {
    const named = new Set(['User:payments-api', 'User:refunds-service', 'User:ledger-sink', 'User:fraud-scoring', 'User:payments-oncall']);
    const principals = Object.values(resources(paymentsProd, Acl.tfResourceType)).map((a) => a.acl_principal as string);
    expect(principals.filter((p) => !named.has(p))).toEqual([]);
  });

  it('authenticates as the administrative identity without writing a credential', () => {
    expect(paymentsProd).toHaveProviderWithProperties(KafkaProvider, {
      bootstrap_servers: prod.kafka.bootstrapServers,
      sasl_mechanism: 'aws-iam',
      tls_enabled: true,
    });
    expect(paymentsProd).not.toMatch(/sasl_password|sasl_username|secret_key|client_key/);
  });

  it('keeps prod state in S3, per stack, encrypted; dev state local', () => {
    const prodJson = JSON.parse(paymentsProd);
    expect(prodJson.terraform.backend.s3).toMatchObject({
      key: 'contract-mesh/payments-prod.tfstate',
      encrypt: true,
      kms_key_id: prod.backend.type === 's3' ? prod.backend.kmsKeyId : undefined,
      use_lockfile: true,
    });
    expect(JSON.parse(paymentsDev).terraform.backend.local).toEqual({ path: 'terraform.payments-dev.tfstate' });
  });

  it('pins the Mongey/kafka provider 0.13.1', () => {
    expect(JSON.parse(paymentsProd).terraform.required_providers.kafka).toEqual({ source: 'mongey/kafka', version: '0.13.1' });
  });

  it('keeps Terraform addresses stable: they come from the product name and version only', () => {
    const plan = planMesh([{ product: defineDataProduct(spec({ consumers: [] })) }], [prod]).stacks[0];
    const ids = Object.keys(resources(synthStack(plan), Topic.tfResourceType));
    expect(ids.sort()).toEqual([expect.stringMatching(/^payment-events-v1_DeadLetter_[0-9A-F]{8}$/), expect.stringMatching(/^payment-events-v1_Topic_[0-9A-F]{8}$/)]);
  });

  it('matches the snapshot of payments-prod topics and ACLs', () => {
    const strip = (r: Record<string, Record<string, unknown>>) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([key]) => key !== '//'))]));
    expect({ kafka_topic: strip(resources(paymentsProd, 'kafka_topic')), kafka_acl: strip(resources(paymentsProd, 'kafka_acl')) }).toMatchSnapshot();
  });
});
