import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { planMesh } from '../../contracts/mesh';
import { defineDataProduct } from '../../contracts/index';
import { ContractError } from '../../contracts/problems';
import { addPostgresSinks } from '../../stacks/postgres-sinks';
import { dev, spec } from '../helpers';

const sinkConsumer = { name: 'ledger', principal: 'User:ledger-sink', sink: { postgres: { mode: 'upsert' } } };

function stackPlan(overrides: Record<string, unknown>) {
  return planMesh([{ product: defineDataProduct(spec(overrides)) }], [dev]).stacks[0];
}

describe('addPostgresSinks', () => {
  it('adds nothing to a domain without sinks', () => {
    const s = new TerraformStack(Testing.app(), 'payments-dev');
    expect(addPostgresSinks(s, stackPlan({ consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }] }))).toBeUndefined();
    expect(Testing.synth(s)).not.toMatch(/aws_lambda_function/);
  });

  it('packages the committed migrations and reads the database facts from SSM', () => {
    const s = new TerraformStack(Testing.app(), 'payments-dev');
    const m = addPostgresSinks(s, stackPlan({ consumers: [sinkConsumer] }))!;
    expect(m).toBeDefined();
    const synth = JSON.parse(Testing.synth(s, true));
    expect(Object.values(synth.data.aws_ssm_parameter).map((p: any) => p.name).sort()).toEqual([
      '/contract-mesh/dev/postgres/database',
      '/contract-mesh/dev/postgres/host',
      '/contract-mesh/dev/postgres/master-secret-arn',
      '/contract-mesh/dev/postgres/migration-security-group-ids',
      '/contract-mesh/dev/postgres/port',
      '/contract-mesh/dev/postgres/subnet-ids',
    ]);
    expect(m.loginSecrets.has('payments__ledger')).toBe(true);
    const out = synth.output['sink-payment-events-v1--ledger'].value;
    expect(out).toMatchObject({ table: 'payments.payment_events_v1__ledger', mode: 'upsert', loginRole: 'payments__ledger' });
    expect(out.write.sql).toMatch(/^INSERT INTO "payments"\."payment_events_v1__ledger"/);
    expect(out.tombstone.params).toEqual(['paymentId', 'partition', 'offset']);
    expect(out.credentialsSecretArn).toMatch(/aws_secretsmanager_secret\..*\.arn/);
  });

  it('fails if a migration the lock history needs is not committed, or the history cannot be followed', () => {
    const plan = stackPlan({ consumers: [sinkConsumer] });
    const current = plan.products[0].product.shape;
    const evolved = { fields: [...current.fields, { name: 'channel', required: false, type: { kind: 'boolean' as const } }] };
    expect(() => addPostgresSinks(new TerraformStack(Testing.app(), 'a'), plan, { historyOf: () => [current, evolved] })).toThrow(
      /ledger\/0002_shape-2\.sql is missing/,
    );
    const retyped = { fields: current.fields.map((f) => (f.name === 'amountMinor' ? { ...f, type: { kind: 'string' as const } } : f)) };
    expect(() => addPostgresSinks(new TerraformStack(Testing.app(), 'b'), plan, { historyOf: () => [current, retyped] })).toThrow(
      /column type bigint would have to become text/,
    );
  });

  it('fails if the sink mode changed after the table was created', () => {
    const s = new TerraformStack(Testing.app(), 'payments-dev');
    const append = { ...sinkConsumer, sink: { postgres: { mode: 'append' } } };
    expect(() => addPostgresSinks(s, stackPlan({ consumers: [append] }))).toThrow(/created in upsert mode and the contract now says append/);
  });

  it('fails if a sink table has no committed migration, naming the product and the command', () => {
    const empty = mkdtempSync(join(tmpdir(), 'cm-empty-'));
    try {
      const s = new TerraformStack(Testing.app(), 'payments-dev');
      let err: unknown;
      try {
        addPostgresSinks(s, stackPlan({ consumers: [sinkConsumer] }), { migrationsRoot: empty });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ContractError);
      expect((err as ContractError).problems).toEqual([
        {
          product: 'payments/payment-events@v1',
          field: 'consumers.ledger.sink',
          message: expect.stringContaining('(contracts/migrations/payments/payment-events.v1/ledger/0001_create.sql is missing)'),
          fix: 'run npm run contracts:migrations and commit contracts/migrations/.',
        },
      ]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
