/**
 * A consumer's deployment in one environment: the ECS service's size and
 * scaling bounds, the names it is wired to, and its alarm threshold — each
 * with the reason.
 *
 * Scaling rule: a consumer group cannot use more members than the topic has
 * partitions (the extra tasks sit idle), so `maxTasks` above the partitions is
 * an error in production (naming both numbers) and clamped, with a warning, in
 * other environments.
 */
import type { CompiledConsumer, CompiledProduct } from '../compile';
import type { DeploymentSpec } from '../dsl/data-product';
import type { EnvironmentConfig } from '../environment';
import { consumerLogGroupName, consumerServiceName, pgLoginSecretName, scramSecretName } from './aws-names';
import { loginRoleName } from '../sql/sink-tables';
import { count, num, type Derived } from './derived';
import { morePartitionsRemedy } from '../lock/partitions';
import { pgSchemaName, pgTableName } from './names';

/** Lag alarm: this many seconds of the product's peak rate not yet consumed. */
export const LAG_ALARM_SECONDS_AT_PEAK = 300;
/** … but never below this many records, so a quiet topic does not page on noise. */
export const LAG_ALARM_MIN_RECORDS = 1_000;

export interface DeploymentPlan {
  readonly consumer: string;
  readonly principal: string;
  readonly group: string;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly image: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly minTasks: Derived<number>;
  readonly maxTasks: Derived<number>;
  /** Alarm when the group's summed offset lag exceeds this. */
  readonly lagAlarmThreshold: Derived<number>;
  /** Base name of the service, its task family, roles, security group. */
  readonly serviceName: string;
  readonly logGroupName: string;
  /** The consumer principal's SCRAM secret (owned by the identities stack). */
  readonly kafkaSecretName: string;
  /** For a sink consumer: where it writes and the secret with its Postgres login (owned by the Postgres sink). */
  readonly sink?: { readonly schema: string; readonly table: string; readonly loginSecretName: string };
  /** Soft findings (e.g. maxTasks clamped), for `Annotations.addWarning`. */
  readonly warnings: readonly string[];
}

/** A consumer as compiled, possibly with a sink (declared by the Postgres sink's DSL extension). */
type DeployedConsumer = CompiledConsumer & { readonly deployment: DeploymentSpec; readonly sink?: unknown };

/** Options of {@link deriveDeployments}. */
export interface DeploymentOptions {
  /**
   * True when the topic's partitions come from the product's lock: they no longer follow the throughput, so the
   * remedy for too few partitions is an explicit growth (events) or the next major version (entities).
   * @default false (partitions derived from the throughput)
   */
  readonly locked?: boolean;
}

/** The deployments of a product's consumers in `env`, given the topic's partitions; problems only in production. */
export function deriveDeployments(
  product: CompiledProduct,
  partitions: number,
  env: EnvironmentConfig,
  options: DeploymentOptions = {},
): { deployments: DeploymentPlan[]; problems: Array<{ field: string; message: string; fix: string }> } {
  const problems: Array<{ field: string; message: string; fix: string }> = [];
  const deployments: DeploymentPlan[] = [];
  // Consumers are deployed to the environment's AWS platform; an environment without one (the local mesh) deploys none.
  if (!env.aws) return { deployments, problems };
  product.consumers.forEach((c, i) => {
    if (!c.deployment) return;
    const consumer = c as DeployedConsumer;
    const d = consumer.deployment;
    const warnings: string[] = [];
    let maxTasks: Derived<number> = { value: d.maxTasks, reason: `the contract's maxTasks (${d.maxTasks}) is within the topic's ${count(partitions, 'partition')}` };
    if (d.maxTasks > partitions) {
      if (env.production) {
        problems.push({
          field: `consumers[${i}].deployment.maxTasks`,
          message: `consumer ${c.name} asks for maxTasks ${num(d.maxTasks)}, but topic ${product.topic} has ${count(partitions, 'partition')} in ${env.name}; a consumer group cannot use more tasks than partitions.`,
          fix: options.locked
            ? `set maxTasks to ${partitions} or fewer; for more tasks the topic needs more partitions, which the lock keeps fixed: ${morePartitionsRemedy(product, env, d.maxTasks)}.`
            : `set maxTasks to ${partitions} or fewer (or declare a higher throughput so that more partitions are derived at the first lock).`,
        });
      }
      const text = `maxTasks ${num(d.maxTasks)} clamped to ${partitions}: topic ${product.topic} has ${count(partitions, 'partition')} in ${env.name}, and a consumer group cannot use more tasks than partitions`;
      maxTasks = { value: partitions, reason: text };
      warnings.push(`${product.id} consumer ${c.name}: ${text}.`);
    }
    let minTasks: Derived<number> = { value: d.minTasks, reason: `the contract's minTasks (${d.minTasks})` };
    if (d.minTasks > maxTasks.value) {
      minTasks = { value: maxTasks.value, reason: `minTasks ${d.minTasks} lowered to the clamped maxTasks ${maxTasks.value}` };
    }
    const rate = product.throughput.peakMessagesPerSecond;
    const byRate = Math.ceil(rate * LAG_ALARM_SECONDS_AT_PEAK);
    const lag = Math.max(byRate, LAG_ALARM_MIN_RECORDS);
    const lagAlarmThreshold: Derived<number> = {
      value: lag,
      reason: byRate >= LAG_ALARM_MIN_RECORDS
        ? `${LAG_ALARM_SECONDS_AT_PEAK} s behind at the peak of ${num(rate)} msg/s = ${num(lag)} records`
        : `${LAG_ALARM_SECONDS_AT_PEAK} s at ${num(rate)} msg/s is ${num(byRate)} records, raised to the floor of ${num(LAG_ALARM_MIN_RECORDS)}`,
    };
    const sink = consumer.sink !== undefined
      ? {
          schema: pgSchemaName(product.domain),
          table: pgTableName(product.name, product.version, c.name),
          loginSecretName: pgLoginSecretName(env.name, loginRoleName(product.domain, c.name)),
        }
      : undefined;
    deployments.push({
      consumer: c.name,
      principal: c.principal,
      group: c.group,
      topic: product.topic,
      deadLetterTopic: product.deadLetterTopic,
      image: d.image,
      cpu: d.cpu,
      memoryMiB: d.memoryMiB,
      minTasks,
      maxTasks,
      lagAlarmThreshold,
      serviceName: consumerServiceName(env.name, product.domain, product.name, product.version, c.name),
      logGroupName: consumerLogGroupName(env.name, product.domain, product.name, product.version, c.name),
      kafkaSecretName: scramSecretName(env.name, c.principal),
      ...(sink ? { sink } : {}),
      warnings,
    });
  });
  return { deployments, problems };
}
