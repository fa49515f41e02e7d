/**
 * The contract rules, as data: each rule looks at one part of a declared
 * product and returns the problems it finds. All rules run, so a team sees
 * every problem at once.
 */
import {
  CLASSIFICATIONS,
  COMPATIBILITIES,
  POSTGRES_SINK_MODES,
  PRODUCT_KINDS,
  type DataProductSpec,
} from '../dsl/data-product';
import {
  CONSUMER_NAME_MAX,
  DOMAIN_MAX,
  NAME_PATTERN,
  PRODUCT_NAME_MAX,
  RESERVED_CONSUMER_NAMES,
  RESERVED_DOMAINS,
  VERSION_MAX,
} from '../derive/names';
import { num } from '../derive/derived';
import { recordSizeBound } from '../derive/message-size';
import { didYouMean } from '../problems';
import { fieldOf, type Shape } from '../schema/shape';
import { deploymentProblems } from './deployment-rules';
import { suppressionProblems } from './suppression-rules';
import { PARTITION_RULES } from './partition-rules';

/** A problem without the product label (the caller adds it). */
export interface RuleProblem {
  readonly field: string;
  readonly message: string;
  readonly fix: string;
}

/** Principals are `User:<name>`; the name is what SCRAM and Secrets Manager see. */
export const PRINCIPAL_PATTERN = /^User:[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

const KNOWN_KEYS = [
  'domain', 'name', 'version', 'description', 'owner', 'producer', 'kind', 'key', 'schema',
  'retention', 'throughput', 'classification', 'compatibility', 'consumers',
  'keyCardinality', 'suppressions', 'partitions',
] as const;

type Spec = Partial<Record<keyof DataProductSpec, unknown>> & Record<string, unknown>;
/** A rule: the declared spec, its schema's shape (when it could be read), and whether every field of it could be. */
type Rule = (spec: Spec, shape: Shape | undefined, complete?: boolean) => RuleProblem[];

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' && Number.isFinite(v) ? num(v) : v === undefined ? 'nothing' : JSON.stringify(v) ?? String(v));

/**
 * The ranges of retention and throughput (docs/data-safety.md). Each environment bounds retention further by
 * classification; these refuse what no environment should ever see.
 */
export const LIMITS = {
  /** Retention: at least an hour (a consumer down for a deploy must not lose records) … */
  minRetentionHours: 1,
  /** … and at most ten years, in whole days or whole hours. */
  maxRetentionDays: 3650,
  /** Peak rate: more than 0, at most a million records a second (a thousand partitions' worth at 1,000 msg/s). */
  maxPeakMessagesPerSecond: 1_000_000,
  /** Average record size: at least 1 byte, at most 8 MiB (the largest `max.message.bytes` a topic may have on MSK) … */
  minAverageMessageBytes: 1,
  maxAverageMessageBytes: 8 * 1024 * 1024,
  /** … and never more than the schema's bound of one record, when the schema has one (`derive/message-size.ts`). */
} as const;

function nameRule(field: 'domain' | 'name', max: number, example: string): Rule {
  return (spec) => {
    const v = spec[field];
    if (typeof v !== 'string' || v.length === 0) {
      return [{ field, message: `${field} is missing or empty (got ${show(v)}).`, fix: `set ${field} to a kebab-case name, e.g. "${example}".` }];
    }
    const out: RuleProblem[] = [];
    if (!NAME_PATTERN.test(v)) {
      out.push({ field, message: `${show(v)} is not a lower-case kebab-case name (${NAME_PATTERN}).`, fix: `use lower-case letters, digits and hyphens, starting with a letter, e.g. "${kebab(v) || example}".` });
    }
    if (v.length > max) {
      out.push({ field, message: `${show(v)} is ${v.length} characters; at most ${max} keep every derived topic, group and Postgres name legal.`, fix: `shorten it to ${max} characters or fewer.` });
    }
    return out;
  };
}

function principalProblem(field: string, v: unknown): RuleProblem[] {
  if (typeof v === 'string' && PRINCIPAL_PATTERN.test(v)) return [];
  const name = typeof v === 'string' ? principalName(v.replace(/^[A-Za-z]*:/, '')) : '';
  if (typeof v === 'string' && /[*?]/.test(v.replace(/^[A-Za-z]*:/, ''))) {
    return [{
      field,
      message: `principal ${show(v)} is a wildcard: it would stand for every Kafka user, and each principal gets its own identity and exactly the ACLs its role needs.`,
      fix: `name the one service, e.g. "User:${name || 'service-name'}"; list each service that reads as a consumer of its own.`,
    }];
  }
  return [{
    field,
    message: `principal ${show(v)} is not of the form User:<name> (${PRINCIPAL_PATTERN}).`,
    fix: `write it as "User:${name || 'service-name'}"; the part after "User:" is the Kafka user name.`,
  }];
}

/** A legal Kafka user name close to `v` (accents dropped, other characters → hyphens), or '' when none is left. */
function principalName(v: string): string {
  return ascii(v).replace(/[^A-Za-z0-9._@-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').replace(/-+$/, '').slice(0, 64);
}

/** Latin letters without their accents ("lógistics" → "logistics"); other characters are left for the caller to replace. */
function ascii(v: string): string {
  return v.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
}

export const PRODUCT_RULES: readonly Rule[] = [
  (spec) => {
    const unknown = Object.keys(spec).filter((k) => !(KNOWN_KEYS as readonly string[]).includes(k));
    return unknown.map((k) => {
      const guess = didYouMean(k, KNOWN_KEYS);
      return { field: k, message: `"${k}" is not a contract setting.`, fix: guess ? `did you mean "${guess}"?` : `remove it; the settings are ${KNOWN_KEYS.join(', ')}.` };
    });
  },
  nameRule('domain', DOMAIN_MAX, 'payments'),
  (spec) =>
    typeof spec.domain === 'string' && RESERVED_DOMAINS.includes(spec.domain)
      ? [{ field: 'domain', message: `"${spec.domain}" is reserved: its stacks "${spec.domain}-<env>" belong to the platform.`, fix: 'choose another domain name.' }]
      : [],
  nameRule('name', PRODUCT_NAME_MAX, 'payment-events'),
  (spec) =>
    Number.isInteger(spec.version) && (spec.version as number) >= 1 && (spec.version as number) <= VERSION_MAX
      ? []
      : [{ field: 'version', message: `version must be a whole number from 1 to ${VERSION_MAX}, got ${show(spec.version)}.`, fix: 'set version to the major version, e.g. 1; a breaking change gets a new contract file with the next version.' }],
  (spec) =>
    typeof spec.description === 'string' && spec.description.trim().length > 0
      ? []
      : [{ field: 'description', message: 'description is missing or empty.', fix: 'say in one sentence what the product carries.' }],
  (spec) => {
    const owner = spec.owner as Record<string, unknown> | undefined;
    if (typeof owner !== 'object' || owner === null) {
      return [{ field: 'owner', message: 'owner is missing.', fix: "set owner: { team: '…', contact: 'team@example.com' }." }];
    }
    const out: RuleProblem[] = [];
    if (typeof owner.team !== 'string' || !owner.team.trim()) out.push({ field: 'owner.team', message: 'owner.team is missing or empty.', fix: 'name the owning team.' });
    if (typeof owner.contact !== 'string' || !owner.contact.trim()) out.push({ field: 'owner.contact', message: 'owner.contact is missing or empty.', fix: 'give an e-mail address that alarms can reach.' });
    if (owner.principal !== undefined) out.push(...principalProblem('owner.principal', owner.principal));
    if (owner.replay !== undefined && typeof owner.replay !== 'boolean') {
      out.push({ field: 'owner.replay', message: `owner.replay must be true or false, got ${show(owner.replay)}.`, fix: 'set owner.replay: true to let the owner replay dead letters, or remove it.' });
    } else if (owner.replay === true && owner.principal === undefined) {
      out.push({ field: 'owner.replay', message: 'owner.replay needs the owner principal that replays dead letters, but owner.principal is not set.', fix: "set owner.principal: 'User:<on-call principal>', or remove owner.replay." });
    }
    return out;
  },
  (spec) => {
    const producer = spec.producer as Record<string, unknown> | undefined;
    if (typeof producer !== 'object' || producer === null) {
      return [{ field: 'producer', message: 'producer is missing.', fix: "set producer: { principal: 'User:<service>' }." }];
    }
    return principalProblem('producer.principal', producer.principal);
  },
  (spec) =>
    PRODUCT_KINDS.includes(spec.kind as never)
      ? []
      : [{ field: 'kind', message: `kind must be one of ${PRODUCT_KINDS.map((k) => `"${k}"`).join(', ')}, got ${show(spec.kind)}.`, fix: '"event" for an append-only stream, "entity" for the latest state per key.' }],
  (spec, shape) => {
    const key = spec.key;
    if (typeof key !== 'string' || !key) {
      return [{ field: 'key', message: `key is missing (got ${show(key)}).`, fix: 'name the top-level field that identifies a record, e.g. key: "paymentId".' }];
    }
    if (!shape) return [];
    const field = fieldOf(shape, key);
    const names = shape.fields.map((f) => f.name);
    if (!field) {
      const guess = didYouMean(key, names);
      return [{
        field: 'key',
        message: `key "${key}" is not a field of the schema (fields: ${names.join(', ') || 'none'}).`,
        fix: guess ? `did you mean "${guess}"?` : 'name a required top-level field of the schema.',
      }];
    }
    const out: RuleProblem[] = [];
    if (!field.required) out.push({ field: 'key', message: `key "${key}" is optional; every record needs a key.`, fix: `make schema.${key} required (remove .optional()).` });
    const scalar = ['string', 'uuid', 'int', 'enum', 'datetime', 'date', 'boolean'];
    if (!scalar.includes(field.type.kind)) {
      out.push({
        field: 'key',
        message: `key "${key}" is a${field.type.kind === 'int' ? 'n' : ''} ${field.type.kind}, not a scalar with a stable canonical form.`,
        fix: 'key on a string, uuid, integer, enum, date or datetime field.',
      });
    }
    return out;
  },
  (spec) => {
    const r = spec.retention as Record<string, unknown> | undefined;
    if (typeof r !== 'object' || r === null) {
      return [{ field: 'retention', message: 'retention is missing.', fix: 'set retention: { days: 7 } or { hours: 12 }.' }];
    }
    const keys = Object.keys(r);
    if (keys.length !== 1 || !['days', 'hours'].includes(keys[0])) {
      return [{ field: 'retention', message: `retention must have exactly one of days or hours, got ${show(r)}.`, fix: 'set retention: { days: 7 } or { hours: 12 }.' }];
    }
    const unit = keys[0] as 'days' | 'hours';
    const v = r[unit];
    const max = unit === 'days' ? LIMITS.maxRetentionDays : LIMITS.maxRetentionDays * 24;
    const min = unit === 'days' ? 1 : LIMITS.minRetentionHours;
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return [];
    return [{
      field: `retention.${unit}`,
      message: `retention.${unit} must be a whole number of ${unit} from ${num(min)} to ${num(max)} (${LIMITS.maxRetentionDays / 365} years), got ${show(v)}.`,
      fix: typeof v === 'number' && v > 0 && v < min
        ? `keep records at least ${LIMITS.minRetentionHours} hour (retention: { hours: ${LIMITS.minRetentionHours} }): a consumer that is down for a deploy must not lose records.`
        : typeof v === 'number' && v > max
          ? `keep them at most ${num(LIMITS.maxRetentionDays)} days; each environment bounds retention further by classification.`
          : unit === 'days' ? 'write whole days (retention: { days: 7 }), or whole hours (retention: { hours: 36 }).' : 'write whole hours, e.g. retention: { hours: 12 }.',
    }];
  },
  (spec, shape, complete) => {
    const t = spec.throughput as Record<string, unknown> | undefined;
    if (typeof t !== 'object' || t === null) {
      return [{ field: 'throughput', message: 'throughput is missing.', fix: 'set throughput: { peakMessagesPerSecond: 100, averageMessageBytes: 500 }.' }];
    }
    const out: RuleProblem[] = [];
    const rate = t.peakMessagesPerSecond;
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0 || rate > LIMITS.maxPeakMessagesPerSecond) {
      out.push({
        field: 'throughput.peakMessagesPerSecond',
        message: `throughput.peakMessagesPerSecond must be more than 0 and at most ${num(LIMITS.maxPeakMessagesPerSecond)} msg/s, got ${show(rate)}.`,
        fix: 'declare the peak rate the producer really reaches: partitions, the lag alarm and the cost estimate are planned from it.',
      });
    }
    const size = t.averageMessageBytes;
    // The schema's bound counts only when every field could be read (a field left out would make it too small).
    const bound = shape && complete ? recordSizeBound(shape).bytes : undefined;
    const max = Math.min(LIMITS.maxAverageMessageBytes, bound ?? Infinity);
    if (typeof size !== 'number' || !Number.isFinite(size) || size < LIMITS.minAverageMessageBytes || size > max) {
      const allowed = bound !== undefined && bound <= LIMITS.maxAverageMessageBytes
        ? `from ${LIMITS.minAverageMessageBytes} to ${num(bound)} B: no record of this schema can be larger (its largest encoding, with every string and list at its .max())`
        : `from ${LIMITS.minAverageMessageBytes} B to ${num(LIMITS.maxAverageMessageBytes)} B (8 MiB, the largest max.message.bytes a topic may have on MSK)`;
      out.push({
        field: 'throughput.averageMessageBytes',
        message: `throughput.averageMessageBytes must be ${allowed}, got ${show(size)}.`,
        fix: 'declare the average size in bytes of one record as JSON, e.g. measured on a sample of real records.',
      });
    }
    return out;
  },
  (spec) =>
    CLASSIFICATIONS.includes(spec.classification as never)
      ? []
      : [{ field: 'classification', message: `classification must be one of ${CLASSIFICATIONS.join(', ')}, got ${show(spec.classification)}.`, fix: 'classify the data; "pii" if it identifies a person.' }],
  (spec) =>
    spec.compatibility === undefined || COMPATIBILITIES.includes(spec.compatibility as never)
      ? []
      : [{ field: 'compatibility', message: `compatibility must be one of ${COMPATIBILITIES.join(', ')}, got ${show(spec.compatibility)}.`, fix: 'leave it out for BACKWARD, the default.' }],
  (spec) => {
    const consumers = spec.consumers;
    if (consumers === undefined) return [];
    if (!Array.isArray(consumers)) return [{ field: 'consumers', message: `consumers must be a list, got ${show(consumers)}.`, fix: "write consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }]." }];
    const out: RuleProblem[] = [];
    const seen = new Map<string, number>();
    consumers.forEach((c: Record<string, unknown>, i: number) => {
      const field = `consumers[${i}]`;
      if (typeof c !== 'object' || c === null) {
        out.push({ field, message: `consumer ${i} is not an object.`, fix: "write { name: 'ledger', principal: 'User:ledger-sink' }." });
        return;
      }
      const name = c.name;
      if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
        out.push({ field: `${field}.name`, message: `consumer name ${show(name)} is not a lower-case kebab-case name (${NAME_PATTERN}).`, fix: `use e.g. "${typeof name === 'string' && kebab(name) ? kebab(name) : 'ledger'}".` });
      } else {
        if (name.length > CONSUMER_NAME_MAX) out.push({ field: `${field}.name`, message: `consumer name "${name}" is ${name.length} characters; at most ${CONSUMER_NAME_MAX} keep group and table names legal.`, fix: `shorten it to ${CONSUMER_NAME_MAX} characters or fewer.` });
        if (RESERVED_CONSUMER_NAMES.includes(name)) out.push({ field: `${field}.name`, message: `consumer name "${name}" is reserved (its group would read like the dead-letter topic or its replay group).`, fix: 'choose another name.' });
        const first = seen.get(name);
        if (first !== undefined) out.push({ field: `${field}.name`, message: `consumer name "${name}" is used twice (consumers[${first}] and consumers[${i}]); each consumer has its own group.`, fix: 'give each consumer a distinct name, or merge the two entries.' });
        else seen.set(name, i);
      }
      out.push(...principalProblem(`${field}.principal`, c.principal));
      if (c.deployment !== undefined) out.push(...deploymentProblems(`${field}.deployment`, c.deployment));
      if (c.sink !== undefined) out.push(...sinkProblems(`${field}.sink`, c.sink));
      for (const k of Object.keys(c)) {
        if (!CONSUMER_KEYS.includes(k)) out.push({ field: `${field}.${k}`, message: `"${k}" is not a consumer setting.`, fix: `remove it; a consumer has ${CONSUMER_KEYS.join(', ')}.` });
      }
    });
    return out;
  },
  (spec) =>
    spec.keyCardinality === undefined || (Number.isInteger(spec.keyCardinality) && (spec.keyCardinality as number) > 0)
      ? []
      : [{ field: 'keyCardinality', message: `keyCardinality must be a positive whole number, got ${show(spec.keyCardinality)}.`, fix: 'give the expected number of distinct keys, e.g. keyCardinality: 2_000_000, or leave it out.' }],
  (spec) => suppressionProblems(spec.suppressions),
  ...PARTITION_RULES,
];

/** Settings a consumer entry may have. */
export const CONSUMER_KEYS: readonly string[] = ['name', 'principal', 'sink', 'deployment'];

/** A consumer's `sink`: exactly `{ postgres: { mode: 'upsert' | 'append' } }`. */
export function sinkProblems(field: string, sink: unknown): RuleProblem[] {
  const example = "sink: { postgres: { mode: 'upsert' } }";
  if (typeof sink !== 'object' || sink === null || Array.isArray(sink)) {
    return [{ field, message: `sink must be an object, got ${show(sink)}.`, fix: `write ${example}, or remove sink.` }];
  }
  const out: RuleProblem[] = [];
  for (const k of Object.keys(sink)) {
    if (k !== 'postgres') out.push({ field: `${field}.${k}`, message: `"${k}" is not a sink contract-mesh provisions.`, fix: `the only sink is postgres: ${example}.` });
  }
  const pg = (sink as Record<string, unknown>).postgres;
  if (pg === undefined) return out.length ? out : [{ field, message: 'sink names no target.', fix: `write ${example}.` }];
  if (typeof pg !== 'object' || pg === null || Array.isArray(pg)) {
    return [...out, { field: `${field}.postgres`, message: `sink.postgres must be an object, got ${show(pg)}.`, fix: `write ${example}.` }];
  }
  for (const k of Object.keys(pg)) {
    if (k !== 'mode') out.push({ field: `${field}.postgres.${k}`, message: `"${k}" is not a Postgres sink setting.`, fix: 'remove it; a Postgres sink has only mode.' });
  }
  const mode = (pg as Record<string, unknown>).mode;
  if (!POSTGRES_SINK_MODES.includes(mode as never)) {
    out.push({
      field: `${field}.postgres.mode`,
      message: `mode must be one of ${POSTGRES_SINK_MODES.map((m) => `"${m}"`).join(', ')}, got ${show(mode)}.`,
      fix: '"upsert" keeps one row per key (latest wins, tombstones delete); "append" keeps one row per record.',
    });
  }
  return out;
}

function kebab(v: string): string {
  return ascii(v)
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '');
}
