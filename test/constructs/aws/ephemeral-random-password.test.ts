import { Testing, TerraformStack } from 'cdktf';
import { EphemeralRandomPassword } from '../../../constructs/aws/ephemeral-random-password';

describe('EphemeralRandomPassword', () => {
  it('writes an ephemeral block (never a resource) and a reference to its value', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    const p = new EphemeralRandomPassword(stack, 'Password', { length: 48 });
    const tf = JSON.parse(Testing.synth(stack));
    expect(tf.resource).toBeUndefined();
    expect(tf.ephemeral.aws_secretsmanager_random_password[p.friendlyUniqueId]).toEqual({ password_length: 48, exclude_punctuation: true, require_each_included_type: true });
    expect(p.expression).toBe(`ephemeral.aws_secretsmanager_random_password.${p.friendlyUniqueId}.random_password`);
  });
  it('fails loudly under HCL output, which cannot render ephemeral blocks', () => {
    const p = new EphemeralRandomPassword(new TerraformStack(Testing.app(), 's'), 'Password');
    expect(() => p.toHclTerraform()).toThrow(/s\/Password: ephemeral resources need JSON output/);
  });
});
