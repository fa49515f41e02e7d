/**
 * The danger list: every change that can lose data, widen access or remove a
 * guard, with its level. A data-loss change (or a removed prevent_destroy) in
 * a production stack is an error unless acknowledged — by the product's
 * retirement (`npm run contracts:retire -- <id> --reason "…"`) or by a
 * suppression of the danger's code in the contract
 * (`suppressions: [{ rule: 'CM-DANGER-…', resource, reason }]`).
 *
 * A retirement acknowledges every destroy that follows from it: the product's
 * own resources, and the shared ones that go because no product is left to
 * need them — the identity (SCRAM secret) of a principal only retired products
 * named, a sink's login secret, the domain's migration function when its last
 * sink goes.
 */
import { duration } from '../derive/derived';
import { plural } from './markdown';
import { kafkaUserName } from '../derive/names';
import { loginRoleName } from '../sql/sink-tables';
import { retireCommand } from '../retire/retired';
import { IAM_POLICY_TYPES, POLICY_DOCUMENT, policiesOf } from '../policy/iam-policy';
import { isStateful } from '../policy/rules/lifecycle-rules';
import type { ManifestProduct, ReviewManifest } from './manifest-types';
import { ownerOf, productsOf, type ResourceOwner } from './product-index';
import type { ResourceChange } from './resource-diff';

export interface Danger {
  /** A `CM-DANGER-…` code; a contract suppression with this code acknowledges it. */
  readonly code: string;
  readonly level: 'error' | 'warning';
  readonly stack: string;
  readonly production: boolean;
  /** The Terraform address. */
  readonly address: string;
  /**
   * The product whose construct holds the resource; for a shared resource created only for new products (a new
   * domain's migration function), the first of them.
   * @default - none (a shared or platform resource)
   */
  readonly product?: string;
  readonly message: string;
  /** True when records (or a secret) are lost. */
  readonly dataLoss: boolean;
  /** Why it is accepted, when it is. */
  readonly acknowledged?: string;
  /**
   * True for the grants of an IAM role, policy or document that the change creates: what it allows is new, not a
   * widening of something that exists (the review folds these).
   * @default false
   */
  readonly created?: boolean;
  /**
   * A shorter message, for a long list: a new role's or policy's actions without the resources they are on.
   * @default - the message
   */
  readonly brief?: string;
}

/** True when the danger blocks the merge (exit 1). */
export function blocks(d: Danger): boolean {
  return d.level === 'error' && d.acknowledged === undefined;
}

const cfg = (c: Readonly<Record<string, unknown>> | undefined): Record<string, string> => ((c?.config ?? {}) as Record<string, string>);
const ms = (v: string | undefined) => (v === undefined ? undefined : Number(v));
const show = (v: number) => (v < 0 ? 'forever' : duration(v));

function aclText(c: Readonly<Record<string, unknown>> | undefined): string {
  return `${String(c?.acl_operation)} on ${String(c?.resource_type)} "${String(c?.resource_name)}"`;
}

/**
 * The base products whose removal explains the destroy of a resource that no product's construct holds: the
 * identity of a principal (`identities-<env>/<user>/…`: every product that named it), a domain's Postgres sink
 * resources (`<domain>-<env>/PostgresSinks/…`: the products with a sink in that domain; for a login secret, those
 * whose sink consumer has that login role). Undefined for any other resource.
 */
export function sharedOwners(c: Pick<ResourceChange, 'stack' | 'path'>, base: ReviewManifest): ManifestProduct[] | undefined {
  const segments = c.path.split('/');
  if (/^identities-/.test(c.stack) && segments.length > 2) {
    const user = segments[1];
    const names = (p: ManifestProduct) => [p.producer.principal, p.owner.principal, ...p.consumers.map((x) => x.principal)].some((x) => x !== undefined && kafkaUserName(x) === user);
    return base.products.filter(names);
  }
  const sinks = segments[1];
  if (sinks === 'PostgresSinks' || sinks === 'PostgresSinksNetwork') {
    const domain = c.stack.replace(/-[^-]+$/, '');
    const role = sinks === 'PostgresSinks' && segments[2]?.startsWith('Login-') ? segments[2].slice('Login-'.length) : undefined;
    return base.products.filter((p) => p.domain === domain && (p.sinks ?? []).some((x) => role === undefined || loginRoleName(p.domain, x.consumer) === role));
  }
  return undefined;
}

/** One grant: an action (or `every action but …`) on a resource, or by a principal (a trust policy). */
interface Grant {
  readonly action: string;
  /** `on` a resource, or `by` a principal (`Service lambda.amazonaws.com`). */
  readonly verb: 'on' | 'by';
  readonly target: string;
  /**
   * The condition keys that every statement allowing it tests (empty when one allows it unconditionally): lower-cased
   * (IAM compares them so) → as the policy writes them.
   */
  readonly conditions: ReadonlyMap<string, string>;
}

/**
 * What an IAM element's policies allow, for the diff, by `action verb target`; and the policies it cannot read, with
 * why. References stay verbatim, so the same reference on both sides is the same grant.
 */
function grantsOf(kind: 'resource' | 'data', type: string, config: Readonly<Record<string, unknown>> | undefined): { grants: Map<string, Grant>; unreadable: string[] } {
  const grants = new Map<string, Grant>();
  const unreadable: string[] = [];
  for (const p of config ? policiesOf({ kind, type, config }) : []) {
    if (p.reading.status === 'unreadable') unreadable.push(`${p.attribute}: ${p.reading.reason}`);
    if (p.reading.status !== 'read') continue;
    const verb = p.trust ? 'by' : 'on';
    for (const s of p.reading.statements) {
      if (s.effect !== 'Allow') continue;
      const targets = p.trust ? s.principals.map((x) => `${x.type} ${x.id}`) : s.resources;
      for (const action of [...s.actions, ...s.notActions.map((x) => `every action but ${x}`)]) {
        for (const target of targets) {
          const key = `${action} ${verb} ${target}`;
          const had = grants.get(key);
          const mine = new Map(s.conditions.map((x) => [x.key.toLowerCase(), x.key]));
          const conditions = had ? new Map([...had.conditions].filter(([k]) => mine.has(k))) : mine;
          grants.set(key, { action, verb, target, conditions });
        }
      }
    }
  }
  return { grants, unreadable };
}

/** Grants as a reader writes them: the actions that share targets and conditions together, `a, b on \`x\`, \`y\` if k`. */
function describeGrants(grants: readonly Grant[]): string[] {
  const targets = new Map<string, { action: string; head: string; targets: string[] }>();
  for (const g of grants) {
    const conditions = [...g.conditions.values()].sort();
    const head = `${g.verb}${conditions.length ? `\u0000 if ${conditions.join(', ')}` : '\u0000'}`;
    const key = `${g.action}\u0000${head}`;
    const t = targets.get(key);
    if (t) t.targets.push(g.target);
    else targets.set(key, { action: g.action, head, targets: [g.target] });
  }
  const together = new Map<string, string[]>();
  for (const t of targets.values()) {
    const key = `${t.head}\u0000${t.targets.sort().map((x) => `\`${x}\``).join(', ')}`;
    together.set(key, [...(together.get(key) ?? []), t.action]);
  }
  return [...together].map(([key, actions]) => {
    const [verb, condition, list] = key.split('\u0000');
    return `${actions.sort().join(', ')} ${verb} ${list}${condition}`;
  }).sort();
}

/** Every danger in the changes, sorted by level (errors first), stack and address. */
export function findDangers(changes: readonly ResourceChange[], base: ReviewManifest, head: ReviewManifest): Danger[] {
  const products = productsOf(base, head);
  const headIds = new Set(head.products.map((p) => p.id));
  const baseIds = new Set(base.products.map((p) => p.id));
  const retired = new Map(head.retired.map((r) => [r.id, r]));
  const production = new Map<string, boolean>();
  for (const s of [...base.stacks, ...head.stacks]) production.set(s.name, s.production);
  const createdTopics = new Set(changes.filter((c) => c.type === 'kafka_topic' && c.action === 'create').map((c) => `${c.stack}\u0000${String(c.after?.name)}`));
  const out: Danger[] = [];

  for (const c of changes) {
    if (c.kind === 'data' && c.type !== 'aws_iam_policy_document') continue;
    const prod = production.get(c.stack) ?? /prod/.test(c.stack);
    const owner = ownerOf(c, products);
    // A shared resource that a change deletes: the products whose removal explains it — only when all of them left.
    const owners = !owner && c.action === 'delete' ? sharedOwners(c, base) : undefined;
    const shared = owners?.length && owners.every((p) => !headIds.has(p.id)) ? owners : undefined;
    // A shared resource that a change creates only for new products (a new domain's migration function): theirs.
    const makers = !owner && c.action === 'create' ? sharedOwners(c, head) : undefined;
    const madeFor = makers?.length && makers.every((p) => !baseIds.has(p.id)) ? makers[0].id : undefined;
    const add = (code: string, message: string, dataLoss: boolean, blocking = dataLoss, created = false, brief?: string) => {
      out.push({
        code,
        level: blocking && prod ? 'error' : 'warning',
        stack: c.stack,
        production: prod,
        address: c.address,
        ...(owner ? { product: owner.product.id } : madeFor ? { product: madeFor } : {}),
        message,
        dataLoss,
        ...acknowledgement(code, owner),
        ...(created ? { created } : {}),
        ...(brief ? { brief } : {}),
      });
    };
    const acknowledgement = (code: string, o: ResourceOwner | undefined): { acknowledged?: string } => {
      if (!o) {
        // A shared resource goes with the retirement of every product that needed it, and only then.
        if (!shared?.length || !shared.every((p) => retired.has(p.id))) return {};
        return { acknowledged: shared.map((p) => `${p.id} retired by ${retired.get(p.id)?.by}: ${retired.get(p.id)?.reason}`).join('; ') };
      }
      const r = retired.get(o.product.id);
      if (r && !headIds.has(o.product.id)) return { acknowledged: `${o.product.id} retired by ${r.by}: ${r.reason}` };
      const current = head.products.find((p) => p.id === o.product.id);
      const s = current?.suppressions?.find((x) => x.rule === code && (x.resource === o.role || x.resource === o.relativePath || (o.relativePath !== '' && o.relativePath.startsWith(`${x.resource}/`))));
      return s ? { acknowledged: `acknowledged in the contract of ${o.product.id}: ${s.reason}` } : {};
    };
    const gone = owner ? (headIds.has(owner.product.id) ? [] : [owner.product.id]) : (shared ?? []).map((p) => p.id);
    const unretired = gone.filter((id) => !retired.has(id));
    const deletedContract = !gone.length ? ''
      : !unretired.length ? ` (${gone.join(', ')} ${gone.length === 1 ? 'is' : 'are'} retired)`
      : ` — the contract of ${unretired[0]} was deleted without being retired (${retireCommand(unretired[0])})`;

    if (c.type === 'kafka_topic' && c.kind === 'resource') {
      const name = String((c.before ?? c.after)?.name);
      if (c.action === 'delete') {
        const moved = createdTopics.has(`${c.stack}\u0000${name}`);
        add('CM-DANGER-DESTROY', moved
          ? `topic "${name}" changes its Terraform address (a renamed construct): destroyed and re-created, its records are lost`
          : `topic "${name}" is destroyed: its records are lost${deletedContract}`, true);
        continue;
      }
      if (c.action === 'replace') {
        add('CM-DANGER-DESTROY', `topic "${name}" is destroyed and re-created (${c.replaceReason}): its records are lost`, true);
        continue;
      }
      if (c.action !== 'update') continue;
      const [b, a] = [c.before ?? {}, c.after ?? {}];
      if (b.partitions !== a.partitions) {
        add('CM-DANGER-PARTITIONS', `topic "${name}" partitions ${String(b.partitions)} → ${String(a.partitions)}: keys move to other partitions (per-key order breaks for records in flight) and the count can never go back down without destroying the topic`, false);
      }
      if (b.replication_factor !== a.replication_factor) {
        const fewer = Number(a.replication_factor) < Number(b.replication_factor);
        add('CM-DANGER-REPLICATION', `topic "${name}" replication_factor ${String(b.replication_factor)} → ${String(a.replication_factor)}${fewer ? ': fewer copies, a broker loss can now lose data' : ': a partition reassignment copies every partition'}`, false);
      }
      for (const key of ['retention.ms', 'delete.retention.ms']) {
        const [before, after] = [ms(cfg(b)[key]), ms(cfg(a)[key])];
        if (before === undefined || after === undefined || before === after) continue;
        const shorter = (after >= 0 && before < 0) || (after >= 0 && after < before);
        if (shorter) add('CM-DANGER-RETENTION', `topic "${name}" ${key} ${show(before)} → ${show(after)}: records older than ${show(after)} are deleted when this applies`, true);
      }
      for (const key of Object.keys(cfg(b)).sort()) {
        if (!(key in cfg(a))) add('CM-DANGER-CONFIG-DEFAULT', `topic "${name}" config "${key}" is removed (was ${cfg(b)[key]}): AlterConfigs is not incremental, so it reverts to the broker's default`, false);
      }
      const hadGuard = (b.lifecycle as Record<string, unknown> | undefined)?.prevent_destroy === true;
      const hasGuard = (a.lifecycle as Record<string, unknown> | undefined)?.prevent_destroy === true;
      if (hadGuard && !hasGuard) add('CM-DANGER-PREVENT-DESTROY', `topic "${name}" loses prevent_destroy: Terraform would now destroy it without refusing`, false, true);
      continue;
    }

    if (c.type === 'kafka_acl') {
      const who = String((c.before ?? c.after)?.acl_principal);
      if (c.action === 'delete') add('CM-DANGER-ACCESS-LOST', `${who} loses ${aclText(c.before)}`, false);
      if (c.action === 'replace') add('CM-DANGER-ACCESS-LOST', `ACL of ${who} is destroyed and re-created (${c.replaceReason}): ${aclText(c.before)} is missing while it applies`, false);
      if (c.action === 'create') add('CM-DANGER-GRANT-WIDENS', `${who} gains ${aclText(c.after)}`, false);
      continue;
    }

    if ((IAM_POLICY_TYPES.includes(c.type) || c.type === POLICY_DOCUMENT) && (c.action === 'create' || c.action === 'update' || c.action === 'replace')) {
      const [before, after] = [grantsOf(c.kind, c.type, c.before), grantsOf(c.kind, c.type, c.after)];
      const added = [...after.grants].filter(([key]) => !before.grants.has(key)).map(([, g]) => g);
      // A grant both sides make, that the change lets through without a condition it had (kms:ViaService, aws:SourceAccount…).
      const loosened = [...after.grants].flatMap(([key, g]) => {
        const dropped = [...(before.grants.get(key)?.conditions ?? [])].filter(([k]) => !g.conditions.has(k)).map(([, k]) => k).sort();
        return dropped.length ? [`${g.action} ${g.verb} \`${g.target}\` without its condition on ${dropped.join(', ')}`] : [];
      });
      // The path below the stack: the same grant in dev and prod is one line of the review.
      const where = c.path.startsWith(`${c.stack}/`) ? c.path.slice(c.stack.length + 1) : c.path;
      const what = `${c.kind === 'data' ? 'policy document' : c.type} at ${where}`;
      const created = c.action === 'create';
      const described = [...describeGrants(added), ...loosened.sort()];
      if (described.length) {
        const text = `${described.slice(0, 8).join('; ')}${described.length > 8 ? ` and ${described.length - 8} more` : ''}`;
        // The brief: who may assume it in full, what it may do without the resources (their count).
        const on = added.filter((g) => g.verb === 'on');
        const actions = [...new Set(on.map((g) => g.action))].sort();
        const onText = actions.length ? [`${actions.join(', ')} on ${plural(new Set(on.map((g) => g.target)).size, 'resource')}`] : [];
        const brief = `new ${what} allows ${[...describeGrants(added.filter((g) => g.verb === 'by')), ...onText].join('; ')}`;
        add('CM-DANGER-GRANT-WIDENS', created ? `new ${what} allows ${text}` : `${what} widens: allows ${text}`, false, false, created, created ? brief : undefined);
      }
      const unread = after.unreadable.filter((u) => !before.unreadable.includes(u));
      if (unread.length) add('CM-DANGER-GRANT-WIDENS', `${created ? 'new ' : ''}${what} has a policy the review cannot read (${unread.join('; ')}): check what it grants by hand`, false, false, created);
    }

    if (c.type === 'aws_db_instance' && c.action === 'update' && c.before?.parameter_group_name !== c.after?.parameter_group_name) {
      const id = String(c.after?.identifier ?? c.before?.identifier ?? c.path);
      add('CM-DANGER-DB-REBOOT', `${c.type} at ${c.path} gets another parameter group: RDS applies it only after a reboot of the instance (it shows "pending-reboot" until then, and rds.force_ssl is not pinned meanwhile). Schedule one in a maintenance window: aws rds reboot-db-instance --db-instance-identifier ${id}`, false);
    }

    if (c.type === 'aws_lambda_function' && (c.action === 'create' || c.action === 'update' || c.action === 'replace')) {
      const verify = (x: Readonly<Record<string, unknown>> | undefined) => ((x?.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}).DB_TLS_VERIFY;
      if (verify(c.after) === 'false' && verify(c.before) !== 'false') {
        add('CM-DANGER-TLS-UNVERIFIED', `the migration function at ${c.path} will connect to the database without verifying its TLS certificate (aws.databaseTls.verifyServerCertificate: false)`, false);
      }
    }

    if (isStateful({ type: c.type, path: c.path }) && (c.action === 'delete' || c.action === 'replace')) {
      add('CM-DANGER-DESTROY', `${c.type} at ${c.path} is ${c.action === 'delete' ? 'destroyed' : `destroyed and re-created (${c.replaceReason})`}: what it holds is lost${deletedContract}`, true);
    } else if (c.action === 'update' && isStateful({ type: c.type, path: c.path })) {
      const hadGuard = (c.before?.lifecycle as Record<string, unknown> | undefined)?.prevent_destroy === true;
      const hasGuard = (c.after?.lifecycle as Record<string, unknown> | undefined)?.prevent_destroy === true;
      if (hadGuard && !hasGuard) add('CM-DANGER-PREVENT-DESTROY', `${c.type} at ${c.path} loses prevent_destroy`, false, true);
    }
  }
  const rank = (d: Danger) => (d.level === 'error' ? (d.acknowledged ? 1 : 0) : d.dataLoss ? 2 : 3);
  return out.sort((a, b) => rank(a) - rank(b) || (a.stack < b.stack ? -1 : a.stack > b.stack ? 1 : a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}
