import { Construct } from 'constructs';
import { TerraformElement } from 'cdktf';

/** Props of {@link EphemeralRandomPassword}. */
export interface EphemeralRandomPasswordProps {
  /**
   * Password length.
   * @default 40
   */
  readonly length?: number;
}

/**
 * An `ephemeral "aws_secretsmanager_random_password"` block: Secrets Manager's
 * GetRandomPassword, opened at plan and apply and NEVER stored in state or plan
 * files. Feed it only to write-only arguments (`secret_string_wo`,
 * `password_wo`). cdktf 0.21 has no ephemeral-resource class, so this element
 * writes the block itself.
 */
export class EphemeralRandomPassword extends TerraformElement {
  private readonly length: number;

  constructor(scope: Construct, id: string, props: EphemeralRandomPasswordProps = {}) {
    super(scope, id, 'ephemeral.aws_secretsmanager_random_password');
    this.length = props.length ?? 40;
  }

  /** The expression of the password (inside `${…}` it reads the ephemeral value). */
  get expression(): string {
    return `ephemeral.aws_secretsmanager_random_password.${this.friendlyUniqueId}.random_password`;
  }

  /** cdktf's HCL renderer knows no `ephemeral` blocks: refuse rather than silently drop the password. */
  override toHclTerraform(): any {
    throw new Error(`${this.node.path}: ephemeral resources need JSON output; synthesize without hclOutput.`);
  }

  override toTerraform(): any {
    return {
      ephemeral: {
        aws_secretsmanager_random_password: {
          [this.friendlyUniqueId]: {
            password_length: this.length,
            // Kafka clients and JDBC URLs choke on some punctuation; 40 alphanumerics are ~238 bits.
            exclude_punctuation: true,
            require_each_included_type: true,
          },
        },
      },
    };
  }
}
