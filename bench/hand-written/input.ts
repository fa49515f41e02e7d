/**
 * What the hand-written baseline app declares, as plain data: every stack
 * with its backend, providers, remote states, resources (Terraform type,
 * construct path, literal binding props), assets and outputs.
 * `bench/baseline-input.ts` writes it once per size, outside the timed runs;
 * the bench then checks that both apps synthesize byte-identical stacks.
 */

/** A JSON value. */
export type Literal = string | number | boolean | null | readonly Literal[] | { readonly [key: string]: Literal };

/** One resource: its Terraform type, where it sits in the construct tree, and the props of its binding class. */
export interface BaselineResource {
  /** Terraform type, e.g. `aws_glue_schema`; the app maps it to its binding class. */
  readonly type: string;
  /** Construct path below the stack, `/`-separated, e.g. `SchemaRegistry/Schema-order-state-v1`. */
  readonly path: string;
  /** The binding's props (camelCase), literal values; `${…}` references are literal strings. */
  readonly props: { readonly [key: string]: Literal };
  /** Whether the resource names its provider explicitly (`provider: "<name>"` in the JSON). */
  readonly provider?: string;
  /** Indices (in the stack's `resources`) of the resources it depends on; they come earlier. */
  readonly dependsOn?: readonly number[];
}

/** One asset (a folder zipped at synth, like the mesh's migration function). */
export interface BaselineAsset {
  /** Construct path below the stack. */
  readonly path: string;
  /** The folder, relative to the baseline project. */
  readonly source: string;
}

/** One ephemeral resource (Terraform ≥ 1.10 `ephemeral` block), which cdktf 0.21 has no binding for. */
export interface BaselineEphemeral {
  readonly type: string;
  /** Construct path below the stack. */
  readonly path: string;
  /** The block's attributes, as Terraform JSON. */
  readonly body: { readonly [key: string]: Literal };
}

/** One `terraform_remote_state` data source, at the stack's top level. */
export interface BaselineRemoteState {
  readonly id: string;
  readonly backend: 'local' | 's3';
  readonly config: { readonly [key: string]: Literal };
}

/** One output, at the stack's top level. */
export interface BaselineOutput {
  readonly id: string;
  readonly value: Literal;
  readonly description?: string;
  readonly sensitive?: boolean;
}

/** One annotation (a synth warning) on a construct. */
export interface BaselineAnnotation {
  /** Construct path below the stack. */
  readonly path: string;
  /** `@cdktf/warn`, `@cdktf/info` or `@cdktf/error`. */
  readonly level: string;
  readonly message: string;
}

/** One stack. */
/** A `variable` block, as `TerraformVariable` props. */
export interface BaselineVariable {
  readonly id: string;
  readonly type?: string;
  readonly description?: string;
  readonly sensitive?: boolean;
  readonly nullable?: boolean;
}

export interface BaselineStack {
  readonly name: string;
  readonly backend: { readonly type: 'local' | 's3'; readonly config: { readonly [key: string]: Literal }; readonly useLockfile: boolean };
  /** `terraform.required_version`, when the stack sets one. */
  readonly requiredVersion?: string;
  /** Provider configurations by provider name (`aws`, `kafka`), binding props. */
  readonly providers: { readonly [name: string]: { readonly [key: string]: Literal } };
  readonly remoteStates: readonly BaselineRemoteState[];
  /** Terraform variables (`variable` blocks), e.g. the local identities' sensitive `scram_passwords`. */
  readonly variables: readonly BaselineVariable[];
  /** Resources, parents and dependencies first. */
  readonly resources: readonly BaselineResource[];
  readonly ephemerals: readonly BaselineEphemeral[];
  readonly assets: readonly BaselineAsset[];
  readonly outputs: readonly BaselineOutput[];
  readonly annotations: readonly BaselineAnnotation[];
}

/** The whole input, stacks in synthesis order. */
export interface BaselineInput {
  readonly stacks: readonly BaselineStack[];
}
