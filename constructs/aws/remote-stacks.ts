import { Construct } from 'constructs';
import { DataTerraformRemoteState, DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3, Token, propertyAccess } from 'cdktf';
import type { EnvironmentConfig } from '../../contracts/environment';
import { platformStackName } from '../../contracts/derive/aws-names';
import { localStatePath } from '../../contracts/derive/state-files';

/**
 * Another stack's outputs, read from its state. Local backends: the file its
 * backend writes, `terraform-state/<other>.tfstate` beside the output folder
 * (named from `cdktf.out/stacks/<stack>`, where cdktf runs every stack:
 * contracts/derive/state-files.ts). S3: the same bucket, key
 * `<keyPrefix>/<other>.tfstate`.
 */
export function remoteStack(scope: Construct, id: string, env: EnvironmentConfig, other: string): DataTerraformRemoteState {
  const b = env.backend;
  if (b.type === 'local') return new DataTerraformRemoteStateLocal(scope, id, { path: localStatePath(other) });
  return new DataTerraformRemoteStateS3(scope, id, { bucket: b.bucket, key: `${b.keyPrefix}/${other}.tfstate`, region: b.region, encrypt: true, kmsKeyId: b.kmsKeyId });
}

/**
 * The stack's `Platform` remote state (`platform-<env>`'s outputs): one per stack, made by whichever construct needs
 * it first — the Kafka provider (the brokers), the consumer services, the Postgres sinks.
 */
export function platformState(stack: Construct, env: EnvironmentConfig): DataTerraformRemoteState {
  const existing = stack.node.tryFindChild('Platform');
  if (existing) return existing as DataTerraformRemoteState;
  return remoteStack(stack, 'Platform', env, platformStackName(env.name));
}

const OUTPUTS = new WeakMap<DataTerraformRemoteState, Map<string, string>>();

/**
 * `data.terraform_remote_state.<x>.outputs.<output>`, as a string. One token per
 * state and output, shared by every resource that reads it: cdktf makes a new
 * token (with a captured stack trace) on each `getString`, which at mesh scale
 * is measurable.
 */
export function remoteOutput(state: DataTerraformRemoteState, output: string): string {
  let outputs = OUTPUTS.get(state);
  if (!outputs) OUTPUTS.set(state, (outputs = new Map()));
  let value = outputs.get(output);
  if (value === undefined) outputs.set(output, (value = state.getString(output)));
  return value;
}

/** `data.terraform_remote_state.<x>.outputs.<output>["<key>"]`: one entry of a map output. */
export function remoteMapEntry(state: DataTerraformRemoteState, output: string, key: string): string {
  return Token.asString(propertyAccess(state.get(output), [key]));
}
