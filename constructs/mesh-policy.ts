/**
 * The policy guardrails as a cdktf Aspect (the cdk-nag pattern): add one to a
 * stack with `Aspects.of(stack).add(new MeshPolicy({...}))`. When synth visits
 * the stack, every Terraform element in it is read back as synthesized
 * configuration and checked by the pure rules of `contracts/policy/`; an
 * unsuppressed error is an error annotation (synth fails), a warning a
 * warning annotation, a suppressed finding an info annotation.
 *
 * Elements are recognised by their Terraform type
 * (`TerraformResource.isTerraformResource`), never by `instanceof`, so the
 * aspect checks resources that any package creates.
 */
import { Annotations, DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformProvider, TerraformResource, TerraformStack, Tokenization, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { EnvironmentConfig } from '../contracts/environment';
import type { ProductPlan } from '../contracts/mesh';
import { evaluatePolicy, type AppliedSuppression } from '../contracts/policy/evaluate';
import { MESH_RULES } from '../contracts/policy/pack';
import type { ElementKind, Finding, PolicyResource, PolicyRule } from '../contracts/policy/rule';

const SUPPRESSIONS = Symbol.for('contract-mesh/policy-suppressions');
type Suppressible = IConstruct & { [SUPPRESSIONS]?: AppliedSuppression[] };

/**
 * Suppresses a rule for every element in `construct`'s subtree, with a reason — for resources that
 * no contract declares (platform stacks). A product's own resources are suppressed in its contract.
 */
export function suppressPolicy(construct: IConstruct, rule: string, reason: string): void {
  if (reason.trim().length < 10) throw new Error(`suppressing ${rule} at ${construct.node.path} needs a reason of at least 10 characters.`);
  const c = construct as Suppressible;
  c[SUPPRESSIONS] = [...(c[SUPPRESSIONS] ?? []), { rule, reason }];
}

function suppressionsAbove(construct: IConstruct): AppliedSuppression[] {
  return construct.node.scopes.flatMap((s) => (s as Suppressible)[SUPPRESSIONS] ?? []);
}

/** Props of {@link MeshPolicy}. */
export interface MeshPolicyProps {
  /** The environment of the stack(s) the aspect is added to. */
  readonly environment: EnvironmentConfig;
  /**
   * The products in the stack, each with the construct that holds its resources.
   * @default - none: product rules are not applicable
   */
  readonly products?: ReadonlyArray<{ readonly plan: ProductPlan; readonly scope: IConstruct }>;
  /**
   * Every principal any contract of the mesh names.
   * @default - the principals of `products`
   */
  readonly principals?: ReadonlySet<string>;
  /**
   * The rules.
   * @default MESH_RULES
   */
  readonly rules?: readonly PolicyRule[];
}

/** Applies the contract-mesh rule pack to every stack it visits. */
export class MeshPolicy implements IAspect {
  /** Every non-compliant finding so far (suppressed ones included, with their reason). */
  public readonly findings: Finding[] = [];
  private readonly rules: readonly PolicyRule[];
  private readonly visited = new WeakSet<IConstruct>();

  constructor(private readonly props: MeshPolicyProps) {
    this.rules = props.rules ?? MESH_RULES;
  }

  visit(node: IConstruct): void {
    // Idempotent: synthesizeMesh visits every stack up front to report all findings at once.
    if (!TerraformStack.isStack(node) || this.visited.has(node)) return;
    this.visited.add(node);
    const stack = node as TerraformStack;
    const products = this.props.products ?? [];
    const principals = this.props.principals ?? new Set(products.flatMap(({ plan }) => principalsOf(plan)));
    const resources: PolicyResource[] = [];
    const constructs = new Map<string, IConstruct>();
    for (const c of stack.node.findAll()) {
      const element = readElement(stack, c);
      if (!element) continue;
      const owner = products.find(({ scope }) => c.node.path.startsWith(`${scope.node.path}/`));
      const relativePath = owner ? c.node.path.slice(owner.scope.node.path.length + 1) : '';
      const first = relativePath.split('/')[0];
      resources.push({
        ...element,
        path: c.node.path,
        ...(owner ? { product: { id: owner.plan.product.id, role: ROLES[first] ?? first, relativePath } } : {}),
      });
      constructs.set(c.node.path, c);
    }
    const findings = evaluatePolicy(
      this.rules,
      { stack: stack.node.id, environment: this.props.environment, products: products.map((p) => p.plan), principals, resources },
      (r) => suppressionsAbove(constructs.get(r.path) as IConstruct),
    );
    for (const f of findings) {
      const target = constructs.get(f.path) as IConstruct;
      const text = `[${f.rule}] ${f.message}`;
      if (f.suppressed) Annotations.of(target).addInfo(`${text} Suppressed: ${f.suppressed}`);
      else if (f.level === 'error') Annotations.of(target).addError(text);
      else Annotations.of(target).addWarning(text);
    }
    this.findings.push(...findings);
  }
}

/** Construct ids below a product → the role a suppression names. */
const ROLES: Readonly<Record<string, string>> = { Topic: 'topic', DeadLetter: 'deadLetter', Acls: 'acls' };

/** The principals a product's contract names. */
export function principalsOf(plan: ProductPlan): string[] {
  const p = plan.product;
  return [p.producer.principal, ...p.consumers.map((c) => c.principal), ...(p.owner.principal ? [p.owner.principal] : [])];
}

const RESOLVER = new DefaultTokenResolver(new StringConcat());
function resolve(scope: IConstruct, value: unknown): unknown {
  return Tokenization.resolve(value, { scope, resolver: RESOLVER, preparing: false });
}

function strip(config: unknown): Record<string, unknown> {
  const { ['//']: _meta, ...rest } = (config ?? {}) as Record<string, unknown>;
  void _meta;
  return rest;
}

function readElement(stack: TerraformStack, c: IConstruct): { kind: ElementKind; type: string; config: Record<string, unknown> } | undefined {
  if (TerraformResource.isTerraformResource(c)) {
    const r = c as TerraformResource;
    const out = resolve(stack, r.toTerraform()) as { resource?: Record<string, Record<string, unknown>> };
    const byId = out.resource?.[r.terraformResourceType];
    return byId ? { kind: 'resource', type: r.terraformResourceType, config: strip(byId[r.friendlyUniqueId]) } : undefined;
  }
  if (TerraformDataSource.isTerraformDataSource(c)) {
    const d = c as TerraformDataSource;
    const out = resolve(stack, d.toTerraform()) as { data?: Record<string, Record<string, unknown>> };
    return { kind: 'data', type: d.terraformResourceType, config: strip(out.data?.[d.terraformResourceType]?.[d.friendlyUniqueId]) };
  }
  if (TerraformProvider.isTerraformProvider(c)) {
    const p = c as TerraformProvider;
    const out = resolve(stack, p.toTerraform()) as { provider?: Record<string, unknown[]> };
    return { kind: 'provider', type: p.terraformResourceType, config: strip(out.provider?.[p.terraformResourceType]?.[0]) };
  }
  return undefined;
}
