/**
 * The policy guardrails as a cdktf Aspect (the cdk-nag pattern): add one to a
 * stack with `Aspects.of(stack).add(new MeshPolicy({...}))`. Synth visits the
 * stack; every Terraform element in it is read from the stack's synthesized
 * configuration and checked by the pure rules of `contracts/policy/`; an
 * unsuppressed error fails synth, a warning is a warning annotation, a
 * suppressed finding an info annotation.
 *
 * Elements are recognised by their Terraform type
 * (`TerraformResource.isTerraformResource`), never by `instanceof`, so the
 * aspect checks resources that any package creates.
 */
import { Annotations, TerraformDataSource, TerraformProvider, TerraformResource, TerraformStack, type IAspect } from 'cdktf';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { IConstruct } from 'constructs';
import type { EnvironmentConfig } from '../contracts/environment';
import type { ProductPlan } from '../contracts/mesh';
import { blocksSynth, evaluatePolicy, formatPolicyErrors, type AppliedSuppression } from '../contracts/policy/evaluate';
import { synthesisHook, type StackConfig } from './mesh-stack';
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

/**
 * Applies the contract-mesh rule pack to every stack it visits.
 *
 * On a {@link MeshStack} the rules read the configuration synth writes, as it
 * is written (one resolution of every token, not two); an unsuppressed error
 * then fails that stack's synth with every error of the stack, unless
 * {@link MeshPolicy.deferErrors} was called — the mesh app does, to report
 * every error of every stack at once. On any other stack the rules read the
 * stack's configuration when the aspect visits it, and an unsuppressed error is
 * an error annotation, which fails synth.
 */
export class MeshPolicy implements IAspect {
  private readonly rules: readonly PolicyRule[];
  private readonly byStack = new Map<IConstruct, Finding[]>();
  private deferred = false;

  constructor(private readonly props: MeshPolicyProps) {
    this.rules = props.rules ?? MESH_RULES;
  }

  /** Every non-compliant finding of the stacks checked so far (suppressed ones included, with their reason). */
  get findings(): Finding[] {
    return [...this.byStack.values()].flat();
  }

  /**
   * On a {@link MeshStack}: keeps a stack's unsuppressed errors from failing its synth; the caller reads
   * {@link findings} after synth and fails then, with every stack's errors at once. (On any other stack
   * an error is an error annotation, which cdktf reports when it synthesizes that stack.)
   */
  deferErrors(): void {
    this.deferred = true;
  }

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.byStack.has(node)) return;
    const stack = node as TerraformStack;
    this.byStack.set(stack, []);
    const onSynthesized = synthesisHook(stack);
    if (onSynthesized) {
      onSynthesized((config) => {
        const findings = this.check(stack, config);
        if (!this.deferred && findings.some(blocksSynth)) throw new Error(formatPolicyErrors(findings, stack.node.id));
      });
    } else {
      this.check(stack, stack.toTerraform() as StackConfig);
    }
  }

  /** Evaluates the rules on `config`, the stack's synthesized configuration; annotates the findings the first time. */
  private check(stack: TerraformStack, config: StackConfig): Finding[] {
    const products = this.props.products ?? [];
    const principals = this.props.principals ?? new Set(products.flatMap(({ plan }) => principalsOf(plan)));
    const resources: PolicyResource[] = [];
    const constructs = new Map<string, IConstruct>();
    const productAt = new Map<IConstruct, (typeof products)[number]>(products.map((p) => [p.scope, p]));
    // One walk of the stack's tree (pre-order, as findAll()), knowing at each node the product whose scope holds it.
    const walk = (c: IConstruct, owner: (typeof products)[number] | undefined): void => {
      const element = readElement(config, c);
      if (element) {
        const path = c.node.path;
        let product: PolicyResource['product'];
        if (owner) {
          const relativePath = path.slice(owner.scope.node.path.length + 1);
          const slash = relativePath.indexOf('/');
          const first = slash < 0 ? relativePath : relativePath.slice(0, slash);
          product = { id: owner.plan.product.id, role: ROLES[first] ?? first, relativePath };
        }
        resources.push({ ...element, path, ...(product ? { product } : {}) });
        constructs.set(path, c);
      }
      const inside = productAt.get(c) ?? owner; // below a product's scope (not the scope itself) is the product's
      for (const child of c.node.children) walk(child, inside);
    };
    walk(stack, undefined);
    const findings = evaluatePolicy(
      this.rules,
      { stack: stack.node.id, environment: this.props.environment, products: products.map((p) => p.plan), principals, resources },
      (r) => suppressionsAbove(constructs.get(r.path) as IConstruct),
    );
    const first = (this.byStack.get(stack) ?? []).length === 0;
    this.byStack.set(stack, findings);
    if (first) {
      for (const f of findings) {
        const target = constructs.get(f.path) as IConstruct;
        const text = `[${f.rule}] ${f.message}`;
        if (f.suppressed) Annotations.of(target).addInfo(`${text} Suppressed: ${f.suppressed}`);
        else if (f.level === 'error') Annotations.of(target).addError(text);
        else Annotations.of(target).addWarning(text);
      }
    }
    return findings;
  }
}

/** Construct ids below a product → the role a suppression names. */
const ROLES: Readonly<Record<string, string>> = { Topic: 'topic', DeadLetter: 'deadLetter', Acls: 'acls' };

/** The principals a product's contract names. */
export function principalsOf(plan: ProductPlan): string[] {
  const p = plan.product;
  return [p.producer.principal, ...p.consumers.map((c) => c.principal), ...(p.owner.principal ? [p.owner.principal] : [])];
}

function strip(config: unknown): Record<string, unknown> {
  const { ['//']: _meta, ...rest } = (config ?? {}) as Record<string, unknown>;
  void _meta;
  return rest;
}

type Blocks = Record<string, Record<string, unknown>> | undefined;

/** The largest JSON file of an asset that the rules read (a migration bundle's `migrations.json` is far smaller). */
const ASSET_JSON_MAX_BYTES = 64 * 1024 * 1024;

/**
 * An asset (`TerraformAsset`, recognised by its shape, not by class): its output path and the JSON files at the top
 * of its source, parsed — what the stack ships beside its configuration, e.g. the migrations a function runs.
 */
function readAsset(c: IConstruct): { kind: ElementKind; type: string; config: Record<string, unknown> } | undefined {
  const a = c as unknown as { assetHash?: unknown; sourcePath?: unknown; path?: unknown };
  if (typeof a.assetHash !== 'string' || typeof a.sourcePath !== 'string') return undefined;
  const source = resolve(a.sourcePath);
  const files: Record<string, unknown> = {};
  let names: string[];
  try {
    names = statSync(source).isDirectory() ? readdirSync(source).map((n) => join(source, n)) : [source];
  } catch {
    names = [];
  }
  for (const file of names.filter((f) => f.endsWith('.json')).sort()) {
    try {
      if (statSync(file).size > ASSET_JSON_MAX_BYTES) continue;
      files[basename(file)] = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // Not JSON: nothing for the rules to read.
    }
  }
  return { kind: 'asset', type: 'terraform_asset', config: { path: String(a.path), files } };
}

/** The element's own block in the stack's configuration, by its type and logical ID (providers by alias). */
function readElement(config: StackConfig, c: IConstruct): { kind: ElementKind; type: string; address?: string; config: Record<string, unknown> } | undefined {
  if (TerraformResource.isTerraformResource(c)) {
    const r = c as TerraformResource;
    const block = (config.resource as Blocks)?.[r.terraformResourceType]?.[r.friendlyUniqueId];
    return block ? { kind: 'resource', type: r.terraformResourceType, address: `${r.terraformResourceType}.${r.friendlyUniqueId}`, config: strip(block) } : undefined;
  }
  if (TerraformDataSource.isTerraformDataSource(c)) {
    const d = c as TerraformDataSource;
    return { kind: 'data', type: d.terraformResourceType, address: `data.${d.terraformResourceType}.${d.friendlyUniqueId}`, config: strip((config.data as Blocks)?.[d.terraformResourceType]?.[d.friendlyUniqueId]) };
  }
  if (TerraformProvider.isTerraformProvider(c)) {
    const p = c as TerraformProvider;
    const blocks = ((config.provider as Record<string, unknown[]> | undefined)?.[p.terraformResourceType] ?? []) as Array<{ alias?: string }>;
    return { kind: 'provider', type: p.terraformResourceType, config: strip(blocks.find((b) => b.alias === p.alias)) };
  }
  return readAsset(c);
}
