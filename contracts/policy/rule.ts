/**
 * Policy rules in the style of cdk-nag: each rule is a pure function over one
 * synthesized Terraform element (its type and its snake_case configuration as
 * it will be written to `cdk.tf.json`) and the stack's context, returning
 * COMPLIANT, NON_COMPLIANT (with a detail) or NOT_APPLICABLE.
 *
 * Rules know resources by their Terraform TYPE (`kafka_topic`, `aws_iam_policy`
 * …), never by class, so they work on resources any package creates.
 */
import type { ProductPlan } from '../mesh';
import type { EnvironmentConfig } from '../environment';

/** `error` fails synth; `warning` is reported (synth log, mesh-manifest.json, review). */
export type RuleLevel = 'error' | 'warning';

/**
 * What a Terraform element is in the synthesized configuration; `asset` is a file or folder that synth copies into
 * the stack's output (a `TerraformAsset`), whose `config` is `{ path, files }`: `files` holds the JSON files at the
 * top of the asset, parsed, by name (e.g. the migration function's `migrations.json`).
 */
export type ElementKind = 'resource' | 'data' | 'provider' | 'asset';

/** One synthesized Terraform element, as a rule sees it. */
export interface PolicyResource {
  readonly kind: ElementKind;
  /** The Terraform type: `kafka_topic`, `aws_iam_policy`, `aws_iam_policy_document` (data) … */
  readonly type: string;
  /** The construct path, e.g. `payments-prod/payment-events-v1/Topic`. */
  readonly path: string;
  /**
   * The Terraform address, as references name it: `aws_sns_topic.x` (resources), `data.aws_iam_policy_document.x`.
   * @default - unknown (an element built outside a stack)
   */
  readonly address?: string;
  /** The resolved configuration, snake_case, without the `//` metadata. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The product whose construct holds this element, if any. */
  readonly product?: {
    readonly id: string;
    /** `topic`, `deadLetter`, `acls`, or the first construct id below the product. */
    readonly role: string;
    /** The construct path below the product, e.g. `Topic` or `Acls/User:x|Topic|t|Read`. */
    readonly relativePath: string;
  };
}

/** What a rule knows about the stack it looks at. */
export interface PolicyContext {
  readonly stack: string;
  readonly environment: EnvironmentConfig;
  /** The plans of the products in this stack (empty for a stack without products). */
  readonly products: readonly ProductPlan[];
  /** Every principal that any contract of the mesh names (producer, consumers, owner). */
  readonly principals: ReadonlySet<string>;
  /** Every element of the stack, for rules that look at siblings (a topic's dead-letter topic, a consumer's ACL). */
  readonly resources: readonly PolicyResource[];
}

export type Verdict = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';

export type RuleOutcome =
  | { readonly verdict: 'COMPLIANT' }
  | { readonly verdict: 'NOT_APPLICABLE' }
  | { readonly verdict: 'NON_COMPLIANT'; readonly detail: string };

export const COMPLIANT: RuleOutcome = { verdict: 'COMPLIANT' };
export const NOT_APPLICABLE: RuleOutcome = { verdict: 'NOT_APPLICABLE' };
/** A violation, with what was found and what is expected. */
export function nonCompliant(detail: string): RuleOutcome {
  return { verdict: 'NON_COMPLIANT', detail };
}

/** A policy rule. */
export interface PolicyRule {
  /** Stable ID, e.g. `CM-TOPIC-1`; suppressions and docs refer to it. Never reuse an ID. */
  readonly id: string;
  readonly level: RuleLevel;
  /** One line: what must hold. */
  readonly message: string;
  /** Why it matters and how to comply. */
  readonly explanation: string;
  /** The element kinds and Terraform types it looks at; `'*'` for every type. */
  readonly appliesTo: { readonly kinds: readonly ElementKind[]; readonly types: readonly string[] | '*' };
  readonly check: (resource: PolicyResource, context: PolicyContext) => RuleOutcome;
}

/** A rule's verdict on one element, after suppressions. */
export interface Finding {
  readonly rule: string;
  readonly level: RuleLevel;
  readonly stack: string;
  readonly path: string;
  readonly type: string;
  readonly product?: string;
  /** `rule message: detail`. */
  readonly message: string;
  /** Set when a suppression with this reason exempts the element. */
  readonly suppressed?: string;
}

/** The product (if any) a topic resource belongs to, and whether it is the product topic or the dead-letter topic. */
export function topicOwner(name: unknown, context: PolicyContext): { plan: ProductPlan; role: 'topic' | 'deadLetter' } | undefined {
  return typeof name === 'string' ? indexOf(context).owners.get(name) : undefined;
}

/** The product plan with this id among the context's products. */
export function productPlanOf(id: string, context: PolicyContext): ProductPlan | undefined {
  return indexOf(context).plans.get(id);
}

/** True when the stack has a Literal `Allow` ACL for exactly this principal, resource and operation. */
export function hasAllowAcl(context: PolicyContext, principal: string, resourceType: string, resourceName: string, operation: string): boolean {
  return indexOf(context).allows.has(aclKey(principal, resourceType, resourceName, operation));
}

/**
 * Lookups over one context, built once per context on first use: rules ask them for every element,
 * and scanning the stack's products or elements each time would make a stack's check quadratic in its size.
 */
interface ContextIndex {
  /** Topic name → the first product (in the context's order) whose topic or dead-letter topic it is. */
  readonly owners: ReadonlyMap<string, { plan: ProductPlan; role: 'topic' | 'deadLetter' }>;
  readonly plans: ReadonlyMap<string, ProductPlan>;
  /** {@link aclKey}s of the Literal Allow ACLs. */
  readonly allows: ReadonlySet<string>;
}

const INDEXES = new WeakMap<PolicyContext, ContextIndex>();

const aclKey = (principal: string, resourceType: string, resourceName: string, operation: string) => `${principal}\u0000${resourceType}\u0000${resourceName}\u0000${operation}`;

function indexOf(context: PolicyContext): ContextIndex {
  let index = INDEXES.get(context);
  if (index) return index;
  const owners = new Map<string, { plan: ProductPlan; role: 'topic' | 'deadLetter' }>();
  const plans = new Map<string, ProductPlan>();
  for (const plan of context.products) {
    if (!plans.has(plan.product.id)) plans.set(plan.product.id, plan);
    if (!owners.has(plan.product.topic)) owners.set(plan.product.topic, { plan, role: 'topic' });
    if (!owners.has(plan.product.deadLetterTopic)) owners.set(plan.product.deadLetterTopic, { plan, role: 'deadLetter' });
  }
  const allows = new Set<string>();
  for (const x of context.resources) {
    if (x.type !== 'kafka_acl') continue;
    const c = x.config;
    if (c.acl_permission_type !== 'Allow' || (c.resource_pattern_type_filter ?? 'Literal') !== 'Literal') continue;
    const fields = [c.acl_principal, c.resource_type, c.resource_name, c.acl_operation];
    if (fields.every((f): f is string => typeof f === 'string')) allows.add(aclKey(...(fields as [string, string, string, string])));
  }
  index = { owners, plans, allows };
  INDEXES.set(context, index);
  return index;
}

export function isReference(value: string): boolean {
  return /\$\{/.test(value);
}
