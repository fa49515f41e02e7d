import { Construct } from 'constructs';
import { DataTerraformRemoteState, DataTerraformRemoteStateLocal, DataTerraformRemoteStateS3, Token, propertyAccess } from 'cdktf';
import type { EnvironmentConfig } from '../../contracts/environment';

/**
 * Another stack's outputs, read from its state. Local backends: cdktf runs each
 * stack in `cdktf.out/stacks/<stack>`, so a sibling's state is
 * `../<other>/terraform.<other>.tfstate`. S3: the same bucket, key
 * `<keyPrefix>/<other>.tfstate`.
 */
export function remoteStack(scope: Construct, id: string, env: EnvironmentConfig, other: string): DataTerraformRemoteState {
  const b = env.backend;
  if (b.type === 'local') return new DataTerraformRemoteStateLocal(scope, id, { path: `../${other}/terraform.${other}.tfstate` });
  return new DataTerraformRemoteStateS3(scope, id, { bucket: b.bucket, key: `${b.keyPrefix}/${other}.tfstate`, region: b.region, encrypt: true, kmsKeyId: b.kmsKeyId });
}

/** `data.terraform_remote_state.<x>.outputs.<output>["<key>"]`: one entry of a map output. */
export function remoteMapEntry(state: DataTerraformRemoteState, output: string, key: string): string {
  return Token.asString(propertyAccess(state.get(output), [key]));
}
