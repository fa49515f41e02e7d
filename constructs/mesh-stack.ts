/**
 * A `TerraformStack` that lets checks read its configuration as synthesis
 * produces it. The policy aspect ({@link MeshPolicy}) uses it to check exactly
 * the JSON that is written — stack-level overrides included — without
 * resolving every element a second time: resolving tokens is most of what
 * synth costs, and a mesh has tens of thousands of resources.
 *
 * The hook is found by a global symbol, not by `instanceof`, so a check works
 * on a stack built with another copy of this package or of cdktf.
 */
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';

/**
 * The Terraform every stack requires: 1.11 is the first with ephemeral resources and write-only
 * attributes, which the identities stack relies on to keep passwords out of plans and state.
 */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.11';

/** The method a stack offers to run a check on each configuration it synthesizes. */
export const ON_SYNTHESIZED = Symbol.for('contract-mesh/on-synthesized');

/** The synthesized configuration of one stack (`cdk.tf.json`), as `TerraformStack.toTerraform()` returns it. */
export type StackConfig = Record<string, unknown>;

/** A check of a stack's synthesized configuration. */
export type SynthesisCheck = (config: StackConfig) => void;

/** A stack that runs registered checks on its configuration each time it is synthesized. */
export interface SynthesisObservable {
  /** Registers `check`; it runs on every configuration this stack synthesizes from now on. */
  [ON_SYNTHESIZED](check: SynthesisCheck): void;
}

/** The stack's synthesis hook, or `undefined` for a stack without one (any plain `TerraformStack`). */
export function synthesisHook(stack: TerraformStack): SynthesisObservable[typeof ON_SYNTHESIZED] | undefined {
  const hook = (stack as unknown as Partial<SynthesisObservable>)[ON_SYNTHESIZED];
  return typeof hook === 'function' ? hook.bind(stack) : undefined;
}

/**
 * The base of every contract-mesh stack: a `TerraformStack` that requires {@link TERRAFORM_REQUIRED_VERSION}
 * and whose synthesized configuration can be checked once, as it is written.
 */
export class MeshStack extends TerraformStack implements SynthesisObservable {
  private readonly synthesisChecks: SynthesisCheck[] = [];

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.addOverride('terraform.required_version', TERRAFORM_REQUIRED_VERSION);
  }

  /** Registers a check of this stack's synthesized configuration. */
  public [ON_SYNTHESIZED](check: SynthesisCheck): void {
    this.synthesisChecks.push(check);
  }

  /** The stack's configuration, as cdktf synthesizes it, after every registered check has read it. */
  public override toTerraform(): any {
    const config = super.toTerraform() as StackConfig;
    for (const check of this.synthesisChecks) check(config);
    return config;
  }
}
