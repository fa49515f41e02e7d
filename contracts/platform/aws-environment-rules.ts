/**
 * Rules for an environment's AWS settings, as data: each returns the problems
 * it finds, all run, and the platform stack refuses to build with any (a clear
 * error naming the environment, the setting and the fix).
 */
import type { EnvironmentConfig } from '../environment';

export interface EnvironmentProblem {
  /** The setting, e.g. `aws.msk.brokerCount`. */
  readonly field: string;
  readonly message: string;
  readonly fix: string;
}

/** Retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

type Rule = (env: EnvironmentConfig) => EnvironmentProblem[];

export const AWS_ENVIRONMENT_RULES: readonly Rule[] = [
  (env) => (/^\d{12}$/.test(env.aws!.accountId) ? [] : [{ field: 'aws.accountId', message: `"${env.aws!.accountId}" is not a 12-digit AWS account id.`, fix: 'set the account the environment deploys to.' }]),
  (env) => (/^vpc-[0-9a-f]+$/.test(env.aws!.network.vpcId) ? [] : [{ field: 'aws.network.vpcId', message: `"${env.aws!.network.vpcId}" is not a VPC id.`, fix: 'name the existing VPC, e.g. "vpc-0abc…".' }]),
  (env) => {
    const subnets = env.aws!.network.privateSubnetIds;
    const out: EnvironmentProblem[] = [];
    if (subnets.length < 2) out.push({ field: 'aws.network.privateSubnetIds', message: `${subnets.length} private subnet(s); MSK and a Multi-AZ database need at least 2 (one per AZ).`, fix: 'list a private subnet in each of 2 or 3 AZs.' });
    const bad = subnets.filter((s) => !/^subnet-[0-9a-f]+$/.test(s));
    if (bad.length) out.push({ field: 'aws.network.privateSubnetIds', message: `${bad.map((b) => `"${b}"`).join(', ')} ${bad.length === 1 ? 'is not a subnet id' : 'are not subnet ids'}.`, fix: 'use ids like "subnet-0abc…".' });
    return out;
  },
  (env) => (/^3\.7\./.test(env.aws!.msk.kafkaVersion) ? [] : [{ field: 'aws.msk.kafkaVersion', message: `Kafka ${env.aws!.msk.kafkaVersion} is not 3.7.x.`, fix: 'use "3.7.x" (MSK\'s latest 3.7 patch).' }]),
  (env) => {
    const { brokerCount } = env.aws!.msk;
    const azs = env.aws!.network.privateSubnetIds.length;
    if (Number.isInteger(brokerCount) && brokerCount >= azs && azs > 0 && brokerCount % azs === 0) {
      return brokerCount >= env.kafka.replicationFactor ? [] : [{ field: 'aws.msk.brokerCount', message: `${brokerCount} brokers cannot hold the replication factor ${env.kafka.replicationFactor}.`, fix: `use at least ${env.kafka.replicationFactor} brokers.` }];
    }
    return [{ field: 'aws.msk.brokerCount', message: `${brokerCount} brokers is not a multiple of the ${azs} private subnets (MSK spreads brokers evenly over them).`, fix: `use ${azs}, ${azs * 2}, … brokers.` }];
  },
  (env) => (/^17(\.|$)/.test(env.aws!.rds.engineVersion) ? [] : [{ field: 'aws.rds.engineVersion', message: `PostgreSQL ${env.aws!.rds.engineVersion} is not 17.x.`, fix: 'use a PostgreSQL 17 version, e.g. "17.5".' }]),
  (env) => {
    if (!env.production) return [];
    const r = env.aws!.rds;
    const out: EnvironmentProblem[] = [];
    if (!r.deletionProtection) out.push({ field: 'aws.rds.deletionProtection', message: 'production database without deletion protection.', fix: 'set deletionProtection: true.' });
    if (r.backupRetentionDays < 7) out.push({ field: 'aws.rds.backupRetentionDays', message: `production keeps backups ${r.backupRetentionDays} day(s); at least 7 are required.`, fix: 'set backupRetentionDays to 7 or more (up to 35).' });
    return out;
  },
  (env) => (LOG_RETENTION_DAYS.includes(env.aws!.logRetentionDays) ? [] : [{ field: 'aws.logRetentionDays', message: `${env.aws!.logRetentionDays} days is not a retention CloudWatch Logs accepts.`, fix: `use one of ${LOG_RETENTION_DAYS.join(', ')}.` }]),
  (env) => (env.kafka.adminAuth.mechanism === 'aws-iam' || env.aws!.identityMechanism === 'kafka-scram-credential'
    ? []
    : [{ field: 'kafka.adminAuth', message: 'on MSK the administrative identity must authenticate with aws-iam: with allow.everyone.if.no.acl.found=false a SCRAM admin would need ACLs it is about to create.', fix: "set adminAuth: { mechanism: 'aws-iam', region }." }]),
];

/** Every problem of an environment's AWS settings (none without `aws`). */
export function awsEnvironmentProblems(env: EnvironmentConfig): EnvironmentProblem[] {
  if (!env.aws) return [];
  return AWS_ENVIRONMENT_RULES.flatMap((rule) => rule(env));
}

/** Throws one error listing every problem, or returns. */
export function assertAwsEnvironment(env: EnvironmentConfig): void {
  const problems = awsEnvironmentProblems(env);
  if (!problems.length) return;
  throw new Error(
    [`environment ${env.name}: ${problems.length} problem${problems.length === 1 ? '' : 's'} in its AWS settings (stacks/environments.ts):`,
      ...problems.map((p) => `  ✖ ${p.field}: ${p.message} Fix: ${p.fix}`)].join('\n'),
  );
}
