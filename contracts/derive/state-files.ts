/**
 * Where Terraform keeps the state of a stack whose environment has a local backend (dev, and the local mesh).
 *
 * Never inside the output folder: synth replaces `cdktf.out` on every run (and removes it when a run fails), so state
 * kept where cdktf and Terraform would put it by default — `cdktf.out/stacks/<stack>/terraform.<stack>.tfstate` — is
 * deleted by the next synth, after which Terraform plans to create every resource again beside the ones that exist.
 * It lives in `terraform-state/` beside the output folder instead: `<project>/terraform-state/<stack>.tfstate` for the
 * default `cdktf.out` (git-ignored; back it up, or give the environment an S3 backend). The backend names it relative
 * to the folder Terraform runs in, `<outdir>/stacks/<stack>/`, so the synthesized JSON is the same on every machine,
 * and a stack's `terraform_remote_state` of another stack names the file that stack writes.
 */

/** The folder, beside the output folder, of every local-backend stack's state. */
export const LOCAL_STATE_DIR = 'terraform-state';

/** A stack's local state file, relative to `<outdir>/stacks/<stack>/` (where cdktf runs Terraform). */
export function localStatePath(stack: string): string {
  return `../../../${LOCAL_STATE_DIR}/${stack}.tfstate`;
}

/** A stack's local state file, relative to the folder that holds the output folder. */
export function localStateFile(stack: string): string {
  return `${LOCAL_STATE_DIR}/${stack}.tfstate`;
}

/** Where an earlier contract-mesh kept a stack's local state: inside `<outdir>/stacks/<stack>/` (synth moves it out once). */
export function legacyStateFile(stack: string): string {
  return `terraform.${stack}.tfstate`;
}
