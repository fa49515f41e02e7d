/** Adds the {@link MeshPolicy} aspect to every domain stack, and finds it again after synth. */
import { Aspects } from 'cdktf';
import type { MeshPlan, StackPlan } from '../contracts/mesh';
import { MeshPolicy, principalsOf } from '../constructs/mesh-policy';
import type { TerraformStack } from 'cdktf';
import type { EnvironmentConfig } from '../contracts/environment';
import type { DomainStack } from './domain-stack';

const POLICIES = new WeakMap<TerraformStack, MeshPolicy>();

/** Every principal any contract of the mesh names. */
export function meshPrincipals(plan: MeshPlan): Set<string> {
  return new Set(plan.stacks.flatMap((s) => s.products.flatMap(principalsOf)));
}

/** Adds the rule pack to a domain stack; its findings are on the returned aspect after synth. */
export function applyMeshPolicy(stack: DomainStack, plan: StackPlan, principals: ReadonlySet<string>): MeshPolicy {
  const policy = new MeshPolicy({
    environment: plan.environment,
    products: plan.products.map((p) => ({ plan: p, scope: stack.products.get(p.product.id) as NonNullable<ReturnType<typeof stack.products.get>> })),
    principals,
  });
  Aspects.of(stack).add(policy);
  POLICIES.set(stack, policy);
  return policy;
}

/**
 * Adds the rule pack to a stack that no contract declares (`platform-<env>`, `identities-<env>`):
 * the environment-wide rules (prevent_destroy in production, IAM, log retention, secret literals) apply.
 */
export function applyPlatformPolicy(stack: TerraformStack, environment: EnvironmentConfig, principals: ReadonlySet<string>): MeshPolicy {
  const policy = new MeshPolicy({ environment, products: [], principals });
  Aspects.of(stack).add(policy);
  POLICIES.set(stack, policy);
  return policy;
}

/** The aspect added by {@link applyMeshPolicy} or {@link applyPlatformPolicy}. */
export function meshPolicyOf(stack: TerraformStack): MeshPolicy | undefined {
  return POLICIES.get(stack);
}
