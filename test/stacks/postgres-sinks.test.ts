import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { planMesh } from '../../contracts/mesh';
import { defineDataProduct } from '../../contracts/index';
import { ContractError } from '../../contracts/problems';
import { addPostgresSinks } from '../../stacks/postgres-sinks';
import { dev, FIXTURE_MIGRATIONS, spec } from '../helpers';

/** The fixture contracts' committed migrations (never the live mesh's). */
const FIXTURE = { migrationsRoot: FIXTURE_MIGRATIONS };

const sinkConsumer = { name: 'ledger', principal: 'User:ledger-sink', sink: { postgres: { mode: 'upsert' } } };

function stackPlan(overrides: Record<string, unknown>, env = dev) {
  return planMesh([{ product: defineDataProduct(spec(overrides)) }], [env]).stacks[0];
}

const withTls = (databaseTls: unknown) => ({ ...dev, aws: { ...dev.aws!, databaseTls } }) as typeof dev;
const functionOf = (s: TerraformStack) => Object.values(JSON.parse(Testing.synth(s, true)).resource.aws_lambda_function)[0] as { environment: { variables: Record<string, string> }; filename: string };

describe('addPostgresSinks', () => {
  it('adds nothing to a domain without sinks', () => {
    const s = new TerraformStack(Testing.app(), 'payments-dev');
    expect(addPostgresSinks(s, stackPlan({ consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }] }), FIXTURE)).toBeUndefined();
    expect(Testing.synth(s)).not.toMatch(/aws_lambda_function/);
  });

  it("packages the committed migrations and reaches the database through the platform stack's outputs", () => {
    const s = new TerraformStack(Testing.app(), 'payments-dev');
    new AwsProvider(s, 'Aws', { region: 'eu-west-1' }); // the domain stack's provider
    const m = addPostgresSinks(s, stackPlan({ consumers: [sinkConsumer] }), FIXTURE)!;
    expect(m).toBeDefined();
    const synth = JSON.parse(Testing.synth(s, true));
    expect(synth.data.aws_ssm_parameter).toBeUndefined();
    expect(Object.keys(synth.data.terraform_remote_state)).toHaveLength(1);
    const fn = Object.values(synth.resource.aws_lambda_function)[0] as any;
    expect(fn.environment.variables).toMatchObject({
      DB_HOST: expect.stringMatching(/terraform_remote_state\..*\.outputs\.database_address/),
      DB_SECRET_ARN: expect.stringMatching(/outputs\.database_master_secret_arn/),
      DB_NAME: 'mesh',
    });
    expect(fn.vpc_config.subnet_ids).toEqual(dev.aws!.network.privateSubnetIds);
    const secret = Object.values(synth.resource.aws_secretsmanager_secret)[0] as any;
    expect(secret).toMatchObject({ name: 'mesh/dev/postgres/payments__ledger', kms_key_id: expect.stringMatching(/outputs\.kms_key_arn/) });
    const ingress = Object.values(synth.resource.aws_vpc_security_group_ingress_rule) as any[];
    expect(ingress).toEqual([expect.objectContaining({ from_port: 5432, security_group_id: expect.stringMatching(/outputs\.database_security_group_id/) })]);
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
    const withHistory = (history: typeof current[]) => ({ ...plan, products: [{ ...plan.products[0], history }] });
    const evolved = { fields: [...current.fields, { name: 'channel', required: false, type: { kind: 'boolean' as const } }] };
    // Numbered after the last committed file of the table (0001_create, 0002_privileges-v2).
    expect(() => addPostgresSinks(new TerraformStack(Testing.app(), 'a'), withHistory([current, evolved]), FIXTURE)).toThrow(
      /ledger\/0003_shape-2\.sql is missing/,
    );
    const retyped = { fields: current.fields.map((f) => (f.name === 'amountMinor' ? { ...f, type: { kind: 'string' as const } } : f)) };
    expect(() => addPostgresSinks(new TerraformStack(Testing.app(), 'b'), withHistory([current, retyped]), FIXTURE)).toThrow(
      /column type bigint would have to become text/,
    );
  });

  it('fails if the sink mode changed after the table was created', () => {
    const s = new TerraformStack(Testing.app(), 'payments-dev');
    const append = { ...sinkConsumer, sink: { postgres: { mode: 'append' } } };
    expect(() => addPostgresSinks(s, stackPlan({ consumers: [append] }), FIXTURE)).toThrow(/created in upsert mode and the contract now says append/);
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
          fix: 'run `npm run contracts:lock` (it writes the migrations of every accepted change) and commit contracts/migrations/ with the lock.',
        },
      ]);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  describe('TLS to the database', () => {
    it('bundles the environment\'s CA bundle and verifies the server', () => {
      const s = new TerraformStack(Testing.app(), 'payments-dev');
      new AwsProvider(s, 'Aws', { region: 'eu-west-1' });
      addPostgresSinks(s, stackPlan({ consumers: [sinkConsumer] }), FIXTURE);
      expect(functionOf(s).environment.variables.DB_TLS_VERIFY).toBe('true');
      expect(dev.aws!.databaseTls).toEqual({ caBundleFile: 'certs/rds/eu-west-1-bundle.pem' });
    });

    it('connects unverified only when the environment says verifyServerCertificate: false', () => {
      const s = new TerraformStack(Testing.app(), 'payments-dev');
      new AwsProvider(s, 'Aws', { region: 'eu-west-1' });
      addPostgresSinks(s, stackPlan({ consumers: [sinkConsumer] }, withTls({ verifyServerCertificate: false })), FIXTURE);
      expect(functionOf(s).environment.variables.DB_TLS_VERIFY).toBe('false');
    });

    it('fails if the environment says nothing, naming the environment, the setting and where to download the bundle', () => {
      let err: unknown;
      try {
        addPostgresSinks(new TerraformStack(Testing.app(), 'payments-dev'), stackPlan({ consumers: [sinkConsumer] }, withTls(undefined)), FIXTURE);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ContractError);
      expect((err as ContractError).problems).toEqual([{
        product: 'environment dev (stacks/environments.ts)',
        field: 'aws.databaseTls',
        message: expect.stringContaining('would refuse to connect'),
        fix: expect.stringContaining('https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem'),
      }]);
    });

    it('fails if the CA bundle file is not in the repository', () => {
      expect(() => addPostgresSinks(new TerraformStack(Testing.app(), 'payments-dev'), stackPlan({ consumers: [sinkConsumer] }, withTls({ caBundleFile: 'certs/rds/nowhere.pem' })), FIXTURE)).toThrow(
        /environment dev \(stacks\/environments\.ts\): aws\.databaseTls\.caBundleFile: certs\/rds\/nowhere\.pem does not exist/,
      );
    });
  });
});
