/**
 * Every name derived from a contract, by one documented rule each.
 *
 * Inputs: `domain` (≤ 24 chars), `name` (≤ 32), consumer names (≤ 20), all
 * `^[a-z][a-z0-9-]*$`, and `version` (1–999). These caps keep every derived
 * name legal: the longest consumer group, `<domain>.<name>.v999.<consumer>`,
 * is 83 characters (Kafka allows 249), and the longest Postgres identifier,
 * `<name>_v999__<consumer>`, is 59 bytes (Postgres allows 63).
 *
 * Spelling rule for artifacts that cannot carry hyphens (proto packages, SQL):
 * hyphens → underscores. Names never contain underscores, so the rule is
 * one-to-one; collisions are still checked on every derived name.
 */
export const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;
export const DOMAIN_MAX = 24;
export const PRODUCT_NAME_MAX = 32;
export const CONSUMER_NAME_MAX = 20;
export const VERSION_MAX = 999;
/** Stack names that belong to the platform; no domain may take them. */
export const RESERVED_DOMAINS: readonly string[] = ['platform', 'identities'];
/** Consumer names that would make a group name read like the dead-letter topic or its replay group. */
export const RESERVED_CONSUMER_NAMES: readonly string[] = ['dlq', 'replay'];

/** hyphens → underscores. */
export function snake(name: string): string {
  return name.replace(/-/g, '_');
}

/** kebab-case → PascalCase (`payment-events` → `PaymentEvents`). */
export function pascal(name: string): string {
  return name
    .split('-')
    .filter(Boolean)
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** `<domain>/<name>@v<version>`: how a product is named in messages and reports. */
export function productId(domain: string, name: string, version: number): string {
  return `${domain}/${name}@v${version}`;
}

/** The Kafka topic: `<domain>.<name>.v<version>`. */
export function topicName(domain: string, name: string, version: number): string {
  return `${domain}.${name}.v${version}`;
}

/** The dead-letter topic: `<topic>.dlq`. */
export function deadLetterTopicName(topic: string): string {
  return `${topic}.dlq`;
}

/** A consumer's group: `<topic>.<consumer>` (Literal). */
export function consumerGroupName(topic: string, consumer: string): string {
  return `${topic}.${consumer}`;
}

/** The owner's replay group on the dead-letter topic: `<dlq topic>.replay`. */
export function replayGroupName(deadLetterTopic: string): string {
  return `${deadLetterTopic}.replay`;
}

/** The stack of a domain in an environment: `<domain>-<env>`. */
export function stackName(domain: string, env: string): string {
  return `${domain}-${env}`;
}

/** The proto package: `<domain_snake>.<name_snake>.v<version>`. */
export function protoPackage(domain: string, name: string, version: number): string {
  return `${snake(domain)}.${snake(name)}.v${version}`;
}

/** The proto file, relative to the contracts output: `<domain_snake>/<name_snake>/v<version>/<name_snake>.proto`. */
export function protoFile(domain: string, name: string, version: number): string {
  return `${snake(domain)}/${snake(name)}/v${version}/${snake(name)}.proto`;
}

/** The proto message: the product name in PascalCase. */
export function protoMessage(name: string): string {
  return pascal(name);
}

/** The Postgres schema of a domain: `<domain_snake>`. */
export function pgSchemaName(domain: string): string {
  return snake(domain);
}

/** A sink table: `<name_snake>_v<version>__<consumer_snake>` in the domain's schema. */
export function pgTableName(name: string, version: number, consumer: string): string {
  return `${snake(name)}_v${version}__${snake(consumer)}`;
}

/** The Kafka user name of a principal: the part after `User:`. */
export function kafkaUserName(principal: string): string {
  return principal.replace(/^User:/, '');
}
