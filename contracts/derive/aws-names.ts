/**
 * Names of AWS things, by one documented rule each. Account-wide names carry
 * the environment, so dev and prod can share an account. Every rule here is
 * also how another stack (or the Postgres sink) finds the thing without a
 * lookup: a secret's ARN is built from its name, the account and the region.
 *
 * | thing | rule |
 * |---|---|
 * | MSK cluster, ECS cluster | `mesh-<env>` |
 * | platform KMS key alias (SCRAM secrets, MSK at rest) | `alias/mesh-<env>-kafka` |
 * | SCRAM secret of a principal | `AmazonMSK_<env>_<user>` (MSK requires the `AmazonMSK_` prefix) |
 * | Postgres login secret of a sink consumer | `mesh/<env>/postgres/<pg schema>/<pg table>` |
 * | a consumer service (ECS service, task family, log group, roles, security group) | `mesh-<env>-<domain>-<product>-v<version>-<consumer>`, bounded |
 * | a product's alert topic (SNS) | `mesh-<env>-<domain>-<product>-v<version>-alerts`, bounded |
 * | the alarms KMS key alias (alert topics) | `alias/mesh-<env>-alarms` |
 * | every log group of an environment | under `/mesh/<env>/` (the platform key's policy admits exactly these) |
 * | a domain's migration function's log group | `/mesh/<env>/migrations/<domain>` |
 * | a product's alarms | `mesh-<env>-<domain>-<product>-v<version>-…`, bounded |
 */
import { kafkaUserName } from './names';

/** The MSK cluster and the ECS cluster of an environment. */
export function clusterName(env: string): string {
  return `mesh-${env}`;
}

/** The platform stack of an environment. */
export function platformStackName(env: string): string {
  return `platform-${env}`;
}

/** The identities stack of an environment. */
export function identitiesStackName(env: string): string {
  return `identities-${env}`;
}

/** The alias of the platform's customer-managed KMS key. */
export function platformKeyAlias(env: string): string {
  return `alias/mesh-${env}-kafka`;
}

/** The alias of the environment's alarms key, which encrypts the alert topics (CloudWatch may use it). */
export function alarmsKeyAlias(env: string): string {
  return `alias/mesh-${env}-alarms`;
}

/** The prefix of every log group of an environment: the platform key's policy lets CloudWatch Logs use it for these only. */
export function logGroupPrefix(env: string): string {
  return `/mesh/${env}/`;
}

/** The log group of a domain's migration function (set as the function's log group, instead of `/aws/lambda/<name>`). */
export function migrationLogGroupName(env: string, domain: string): string {
  return `${logGroupPrefix(env)}migrations/${domain}`;
}

/** The prefix of a product's alarm names: the CloudWatch alarms that may publish to its alert topic. */
export function productAlarmPrefix(env: string, domain: string, product: string, version: number): string {
  return ['mesh', env, domain, product, `v${version}`].join('-');
}

/** The SCRAM secret of a principal: `AmazonMSK_<env>_<user>`, the user being the part after `User:`. */
export function scramSecretName(env: string, principal: string): string {
  return `AmazonMSK_${env}_${kafkaUserName(principal)}`;
}

/**
 * The Secrets Manager secret with a sink login role's Postgres credentials:
 * `mesh/<env>/postgres/<login role>`, one per login role (a consumer that sinks
 * several products of a domain has one role). The migration function sets its
 * value inside the VPC; the consumer's service reads it by this name.
 */
export function pgLoginSecretName(env: string, loginRole: string): string {
  return `mesh/${env}/postgres/${loginRole}`;
}

/**
 * The ARN of a secret known by name, for IAM policies: Secrets Manager appends
 * `-` and six random characters to every secret's ARN, so the policy matches
 * exactly those six (`-??????`) — one secret, not a prefix.
 */
export function secretArnPattern(region: string, accountId: string, name: string): string {
  return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-??????`;
}

/** The ECS cluster's ARN. */
export function ecsClusterArn(region: string, accountId: string, env: string): string {
  return `arn:aws:ecs:${region}:${accountId}:cluster/${clusterName(env)}`;
}

/**
 * `<prefix>-<parts…>` cut to `max` characters; when it does not fit, the tail is
 * replaced by an 8-character hash of the whole, so the name stays unique and stable.
 */
export function boundedName(parts: readonly string[], max: number): string {
  const full = parts.join('-');
  if (full.length <= max) return full;
  const hash = fnv1a(full);
  return `${full.slice(0, max - hash.length - 1).replace(/[-_.]+$/, '')}-${hash}`;
}

/** The base name of a consumer's service (≤ 52 characters, leaving room for `-exec`/`-task` on 64-character IAM role names). */
export function consumerServiceName(env: string, domain: string, product: string, version: number, consumer: string): string {
  return boundedName(['mesh', env, domain, product, `v${version}`, consumer], 52);
}

/** A product's SNS alert topic. */
export function alertTopicName(env: string, domain: string, product: string, version: number): string {
  return boundedName(['mesh', env, domain, product, `v${version}`, 'alerts'], 256);
}

/** A consumer's log group. */
export function consumerLogGroupName(env: string, domain: string, product: string, version: number, consumer: string): string {
  return `/mesh/${env}/${domain}/${product}-v${version}/${consumer}`;
}

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
