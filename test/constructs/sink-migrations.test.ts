import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaInvocation } from '@cdktf/provider-aws/lib/lambda-invocation';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { readCommittedMigrations } from '../../contracts/sql/committed';
import { SinkMigrations, migrationSetHash, type SinkMigrationsProps } from '../../constructs/sink-migrations';
import { buildMigrationFunction, bundleMigrationFunction, CA_BUNDLE_FILE, migrationFunctionCode } from '../../constructs/migration-function-bundle';
import { tlsOptions } from '../../functions/migrate/handler';
import { MIGRATIONS_ROOT } from '../support/sinks';
import { leastPrivilegeFindings } from '../../contracts/platform/iam-rules';
import { evaluatePolicy } from '../../contracts/policy/evaluate';
import { IAM_RULES } from '../../contracts/policy/rules/iam-rules';
import { parseTemplated } from '../aws-helpers';
import { dev } from '../helpers';

const migrations = readCommittedMigrations(MIGRATIONS_ROOT, 'payments');
/** The repository's eu-west-1 RDS CA bundle (certs/rds). */
const CA_BUNDLE = readFileSync(join(__dirname, '..', '..', 'certs', 'rds', 'eu-west-1-bundle.pem'), 'utf8');
const props: SinkMigrationsProps = {
  domain: 'payments',
  environment: 'dev',
  region: 'eu-west-1',
  accountId: '123456789012',
  migrations,
  loginRoles: ['payments__ledger'],
  database: {
    host: 'mesh-dev.cluster-abc.eu-west-1.rds.amazonaws.com',
    name: 'mesh',
    masterSecretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1234',
    subnetIds: ['subnet-a', 'subnet-b'],
    securityGroupIds: ['sg-migrate'],
    caBundlePem: CA_BUNDLE,
  },
};

/** The synthesized resources of one type, by address. */
function resources(s: TerraformStack, type: string): Array<Record<string, any>> {
  return Object.values((JSON.parse(Testing.synth(s, true)).resource?.[type] ?? {}) as Record<string, Record<string, any>>);
}

function stack(p: SinkMigrationsProps = props) {
  const app = Testing.app();
  const s = new TerraformStack(app, 'payments-dev');
  new AwsProvider(s, 'aws', { region: 'eu-west-1' });
  const m = new SinkMigrations(s, 'SinkMigrations', p);
  return { app, s, m };
}

describe('SinkMigrations', () => {
  it('deploys the function in the VPC with the database settings and no password', () => {
    const { s } = stack();
    const [fn] = resources(s, LambdaFunction.tfResourceType);
    expect(fn).toMatchObject({
      runtime: 'nodejs20.x',
      handler: 'index.handler',
      vpc_config: { subnet_ids: ['subnet-a', 'subnet-b'], security_group_ids: ['sg-migrate'] },
      environment: { variables: { DB_HOST: props.database.host, DB_PORT: '5432', DB_NAME: 'mesh', DB_SECRET_ARN: props.database.masterSecretArn } },
    });
    expect(fn.environment.variables.LOGIN_SECRETS).toMatch(/jsonencode\(.*payments__ledger.*aws_secretsmanager_secret\./);
    expect(Testing.synth(s)).not.toMatch(/password"\s*:/i);
  });

  it('creates one empty secret per login role (no secret version in Terraform)', () => {
    const { s } = stack();
    expect(resources(s, SecretsmanagerSecret.tfResourceType).map((r) => r.name)).toEqual(['mesh/dev/postgres/payments__ledger']);
    expect(Testing.synth(s)).not.toMatch(/aws_secretsmanager_secret_version/);
  });

  it('invokes the function with triggers that change exactly when the migration set changes', () => {
    const hash = migrationSetHash(migrations, ['payments__ledger']);
    const [inv] = resources(stack().s, LambdaInvocation.tfResourceType);
    expect(inv.triggers.migrationSet).toBe(hash);
    expect(inv.function_name).toMatch(/aws_lambda_function\./);
    expect(migrationSetHash(migrations, ['payments__ledger'])).toBe(hash);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}-- x\n` } : m));
    expect(migrationSetHash(edited, ['payments__ledger'])).not.toBe(hash);
    expect(migrationSetHash([...migrations, { id: 'payments/x.v1/y/0001_create.sql', sql: '' }], ['payments__ledger'])).not.toBe(hash);
    expect(migrationSetHash(migrations, ['payments__ledger', 'payments__audit'])).not.toBe(hash);
  });

  it('lets the function read the master secret and read/write only its login secrets', () => {
    const synth = JSON.parse(Testing.synth(stack().s, true));
    const policy = Object.values(synth.resource.aws_iam_role_policy as Record<string, { policy: string }>)[0].policy;
    expect(policy).toContain(props.database.masterSecretArn);
    expect(policy).toContain('secretsmanager:PutSecretValue');
  });

  describe('its IAM', () => {
    const keyed: SinkMigrationsProps = { ...props, secretsKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/platform', database: { ...props.database, masterSecretKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/platform' } };
    const tf = JSON.parse(Testing.synth(stack(keyed).s, true));
    const doc = parseTemplated((Object.values(tf.resource.aws_iam_role_policy)[0] as { policy: string }).policy);
    const bySid = (sid: string) => doc.Statement.find((st: { Sid: string }) => st.Sid === sid);

    it('is least privilege: no AWS managed policy, every statement scoped (the rules of the pack agree)', () => {
      expect(tf.resource.aws_iam_role_policy_attachment).toBeUndefined();
      expect(leastPrivilegeFindings(doc)).toEqual([]);
      const element = (type: string, config: Record<string, unknown>) => ({ kind: 'resource' as const, type, path: `payments-dev/${type}`, config });
      const elements = [
        ...Object.values(tf.resource.aws_iam_role_policy).map((c) => element('aws_iam_role_policy', c as Record<string, unknown>)),
        ...Object.values(tf.resource.aws_iam_role).map((c) => element('aws_iam_role', c as Record<string, unknown>)),
      ];
      expect(evaluatePolicy(IAM_RULES, { stack: 'payments-dev', environment: dev, products: [], principals: new Set<string>(), resources: elements })).toEqual([]);
    });

    it('uses the keys in one statement, only through Secrets Manager', () => {
      const kms = doc.Statement.filter((st: { Action: string[] }) => st.Action.some((a) => a.startsWith('kms:')));
      expect(kms).toEqual([{
        Sid: 'UseKeysThroughSecretsManager',
        Effect: 'Allow',
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: ['arn:aws:kms:eu-west-1:123456789012:key/platform'],
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } },
      }]);
    });

    it('writes to its own log group only, and creates network interfaces only in its subnets and security groups', () => {
      const [logs] = Object.values(tf.resource.aws_cloudwatch_log_group) as Array<{ name: string }>;
      expect(logs.name).toBe('/mesh/dev/migrations/payments');
      expect(bySid('WriteOwnLogs')).toEqual({ Sid: 'WriteOwnLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [expect.stringMatching(/^<aws_cloudwatch_log_group\..*\.arn>:log-stream:\*$/)] });
      expect(bySid('CreateNetworkInterfaces').Resource).toEqual([
        'arn:aws:ec2:eu-west-1:123456789012:network-interface/*',
        'arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-a',
        'arn:aws:ec2:eu-west-1:123456789012:subnet/subnet-b',
        'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-migrate',
      ]);
      expect(bySid('ManageNetworkInterfaces').Resource).toEqual(['arn:aws:ec2:eu-west-1:123456789012:network-interface/*']);
      expect(bySid('DescribeNetwork')).toMatchObject({ Action: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'], Resource: ['*'] });
      const [fn] = resources(stack(keyed).s, LambdaFunction.tfResourceType);
      expect(fn.logging_config).toEqual({ log_format: 'Text', log_group: expect.stringMatching(/aws_cloudwatch_log_group\..*\.name/) });
      expect(doc.Statement.flatMap((st: { Action: string[] }) => st.Action).filter((a: string) => a.startsWith('logs:'))).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    });

    it('is assumable by Lambda acting for this account only', () => {
      const [role] = Object.values(tf.resource.aws_iam_role) as Array<{ assume_role_policy: string }>;
      expect(JSON.parse(role.assume_role_policy).Statement).toEqual([{
        Effect: 'Allow',
        Principal: { Service: 'lambda.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      }]);
    });
  });

  it('bundles the handler offline with its migrations, deterministically', () => {
    const code = migrationFunctionCode();
    expect(code).toContain('pg_advisory_xact_lock');
    expect(code).toContain('exports');
    const { app, s } = stack();
    void s;
    app.synth();
    const assets = join(app.outdir, 'stacks', 'payments-dev', 'assets');
    expect(existsSync(assets)).toBe(true);
    const a = stack();
    const b = stack();
    const hashOf = (m: SinkMigrations) => (Testing.synth(m.node.scope as TerraformStack).match(/"source_code_hash": "([^"]+)"/) ?? [])[1];
    expect(hashOf(a.m)).toBe(hashOf(b.m));
  });
});

describe('the build cache of the migration function', () => {
  it('reuses a build while every file it read is unchanged, and rebuilds when one is not', () => {
    const cache = mkdtempSync(join(tmpdir(), 'cm-handler-cache-'));
    try {
      const built = buildMigrationFunction(cache);
      expect(built).toBe(migrationFunctionCode());
      const [file] = readdirSync(cache).filter((f) => f.startsWith('handler-'));
      const entry = JSON.parse(readFileSync(join(cache, file), 'utf8')) as { inputs: Record<string, string>; code: string };
      expect(Object.keys(entry.inputs)).toEqual(expect.arrayContaining(['functions/migrate/handler.ts', 'functions/migrate/runner.ts', 'contracts/sql/identifiers.ts']));
      expect(Object.keys(entry.inputs).some((f) => f.includes('node_modules/pg/'))).toBe(true);
      // A cache entry whose inputs all match is used as it is…
      writeFileSync(join(cache, file), JSON.stringify({ ...entry, code: '/* from the cache */' }));
      expect(buildMigrationFunction(cache)).toBe('/* from the cache */');
      // …and one input that differs (an edited source, an upgraded dependency) means a new build.
      writeFileSync(join(cache, file), JSON.stringify({ ...entry, code: '/* stale */', inputs: { ...entry.inputs, 'functions/migrate/runner.ts': 'an older hash' } }));
      expect(buildMigrationFunction(cache)).toBe(built);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it('writes a function folder once: the same migrations give the same folder, reused', () => {
    const out = mkdtempSync(join(tmpdir(), 'cm-bundle-'));
    try {
      const dir = bundleMigrationFunction(migrations, undefined, out);
      expect(bundleMigrationFunction(migrations, undefined, out)).toBe(dir);
      expect(bundleMigrationFunction([], undefined, out)).not.toBe(dir);
      expect(readFileSync(join(dir, 'index.js'), 'utf8')).toBe(migrationFunctionCode());
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('deletes function folders no synth used for a week when it writes a new one, and keeps the ones in use', () => {
    const out = mkdtempSync(join(tmpdir(), 'cm-bundle-'));
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    try {
      const unused = bundleMigrationFunction([], undefined, out);
      const used = bundleMigrationFunction(migrations, undefined, out);
      const other = join(out, 'handler-0123456789abcdef.json');
      writeFileSync(other, '{}');
      for (const p of [unused, used, other]) utimesSync(p, eightDaysAgo, eightDaysAgo);
      // A synth uses `used` again: it is marked as used, not rebuilt.
      expect(bundleMigrationFunction(migrations, undefined, out)).toBe(used);
      // A new migration set is written: the folder unused for eight days goes; the one just used and other cache entries stay.
      const fresh = bundleMigrationFunction([...migrations, { id: '9999_later.sql', sql: 'SELECT 1;' }], undefined, out);
      expect(existsSync(unused)).toBe(false);
      expect(existsSync(used)).toBe(true);
      expect(existsSync(fresh)).toBe(true);
      expect(existsSync(other)).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('TLS to the database', () => {
  it('verifies the server when a CA bundle is shipped with the function', () => {
    const out = mkdtempSync(join(tmpdir(), 'cm-bundle-'));
    try {
      const dir = bundleMigrationFunction(migrations, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', out);
      expect(readdirSync(dir).sort()).toEqual([CA_BUNDLE_FILE, 'index.js', 'migrations.json']);
      expect(tlsOptions(dir)).toEqual({ ca: expect.stringContaining('BEGIN CERTIFICATE'), rejectUnauthorized: true });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('fails to connect when no CA bundle is shipped, unless the environment explicitly says DB_TLS_VERIFY=false', () => {
    const out = mkdtempSync(join(tmpdir(), 'cm-bundle-'));
    try {
      const dir = bundleMigrationFunction(migrations, undefined, out);
      expect(readdirSync(dir)).not.toContain(CA_BUNDLE_FILE);
      expect(() => tlsOptions(dir, {})).toThrow(/refusing to connect to the database: no CA bundle.*Fix: set aws\.databaseTls\.caBundleFile/);
      expect(() => tlsOptions(dir, { DB_TLS_VERIFY: 'true' })).toThrow(/refusing to connect/);
      expect(tlsOptions(dir, { DB_TLS_VERIFY: 'false' })).toEqual({ rejectUnauthorized: false });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('ships the CA bundle and says DB_TLS_VERIFY=true; fails to build with neither a bundle nor an explicit opt-out', () => {
    const [fn] = resources(stack().s, LambdaFunction.tfResourceType);
    expect(fn.environment.variables.DB_TLS_VERIFY).toBe('true');
    const { caBundlePem: _ca, ...noCa } = props.database;
    void _ca;
    expect(() => stack({ ...props, database: noCa })).toThrow(/SinkMigrations payments-dev: the migration function verifies the database's TLS certificate, and no CA bundle was given/);
    expect(() => stack({ ...props, database: { ...props.database, verifyServerCertificate: false } })).toThrow(/give one of them/);
    const [unverified] = resources(stack({ ...props, database: { ...noCa, verifyServerCertificate: false } }).s, LambdaFunction.tfResourceType);
    expect(unverified.environment.variables.DB_TLS_VERIFY).toBe('false');
  });
});

describe('terraform validate (aws 5.100.0 from the local mirror)', () => {
  const terraform = ['/usr/local/bin/terraform', 'terraform'].find((t) => spawnSync(t, ['version'], { stdio: 'ignore' }).status === 0);
  const mirror = '/opt/tf-plugins';
  const runIt = terraform && existsSync(mirror) ? it : it.skip;
  if (!terraform || !existsSync(mirror)) {
    // eslint-disable-next-line no-console
    console.warn(`SKIPPED terraform validate of SinkMigrations: ${!terraform ? 'terraform is not on PATH' : `${mirror} (the aws provider mirror) is missing`}.`);
  }

  runIt('accepts the synthesized resources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-tf-'));
    try {
      const app = new App({ outdir: join(dir, 'out'), stackTraces: false });
      const s = new TerraformStack(app, 'payments-dev');
      new AwsProvider(s, 'aws', { region: 'eu-west-1' });
      new SinkMigrations(s, 'SinkMigrations', props);
      app.synth();
      const stackDir = join(dir, 'out', 'stacks', 'payments-dev');
      expect(readdirSync(stackDir)).toContain('cdk.tf.json');
      const rc = join(dir, 'terraform.rc');
      writeFileSync(
        rc,
        `provider_installation {\n  filesystem_mirror {\n    path = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
      );
      const env = { ...process.env, TF_CLI_CONFIG_FILE: rc, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
      execFileSync(terraform!, ['init', '-backend=false', '-input=false', '-no-color'], { cwd: stackDir, env, stdio: 'pipe' });
      const out = spawnSync(terraform!, ['validate', '-json', '-no-color'], { cwd: stackDir, env, encoding: 'utf8' });
      const result = JSON.parse(out.stdout);
      expect({ valid: result.valid, diagnostics: result.diagnostics }).toEqual({ valid: true, diagnostics: [] });
      void readFileSync;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
