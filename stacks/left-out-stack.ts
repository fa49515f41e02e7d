/**
 * What a synth limited by `MESH_DOMAINS` writes in place of a stack it left out.
 *
 * The cdktf CLI runs the app, then picks the stacks to deploy from `cdktf.out/manifest.json` by name. A stack that is
 * missing there fails with the CLI's "Could not find stack", which does not say why; an error annotation would stop
 * every stack, the selected ones too. So a left-out stack is written under its own name, as a configuration with no
 * provider and no resource whose only input variable fails its validation: `cdktf deploy|diff|destroy <stack>` stops
 * at `terraform plan` with the message below, naming `MESH_DOMAINS`, and changes nothing. Its state is a local file
 * of its own, never the stack's real backend, so even a destroy of it could not reach the real stack's resources.
 */
import { LocalBackend, TerraformStack, TerraformVariable } from 'cdktf';
import type { Construct } from 'constructs';

/** Props of {@link LeftOutStack}. */
export interface LeftOutStackProps {
  /** The domains the synth was limited to (the value of `MESH_DOMAINS`). */
  readonly domains: readonly string[];
  /** The stacks that synth built. */
  readonly built: readonly string[];
}

/** The local state file of a left-out stack (never the real stack's state). */
export const LEFT_OUT_STATE = 'left-out-by-MESH_DOMAINS.tfstate';

/** The message `terraform plan` prints for a left-out stack. */
export function leftOutMessage(stack: string, props: LeftOutStackProps): string {
  const value = props.domains.join(',');
  return `${stack} was left out of this synth: MESH_DOMAINS=${value} builds only ${props.built.join(', ')}. Deploy ${stack} from a synth without MESH_DOMAINS (unset it: MESH_DOMAINS= npx cdktf deploy ${stack})${/^(platform|identities)-/.test(stack) ? '' : `, or add its domain to MESH_DOMAINS`}.`;
}

/** A stack left out by `MESH_DOMAINS`: planning it fails with a message naming the variable. */
export class LeftOutStack extends TerraformStack {
  constructor(scope: Construct, name: string, props: LeftOutStackProps) {
    super(scope, name);
    new LocalBackend(this, { path: LEFT_OUT_STATE });
    new TerraformVariable(this, 'MESH_DOMAINS', {
      type: 'string',
      default: props.domains.join(','),
      description: 'The domains the synth that wrote this stack was limited to.',
      validation: [{ condition: '${length(var.MESH_DOMAINS) == 0}', errorMessage: leftOutMessage(name, props) }],
    });
  }
}
