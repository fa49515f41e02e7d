import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leastPrivilegeFindings } from '../../../contracts/platform/iam-rules';
import { synthesizeMesh } from '../../../stacks/app';
import { fixtureSynth } from '../../helpers';
import { parseTemplated } from '../../aws-helpers';

describe('leastPrivilegeFindings', () => {
  it('accepts exact actions on exact resources, and "*" only where IAM has no ARN', () => {
    expect(leastPrivilegeFindings({ Statement: [
      { Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: ['arn:aws:secretsmanager:eu-west-1:1:secret:a-??????'] },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ] })).toEqual([]);
  });
  it('fails if an action is a wildcard', () => {
    expect(leastPrivilegeFindings({ Statement: [{ Sid: 'All', Effect: 'Allow', Action: 's3:*', Resource: ['arn:aws:s3:::b'] }] })).toEqual([{ statement: 'All', message: 'action "s3:*" is a wildcard.' }]);
  });
  it('fails if a scopable action gets resource "*"', () => {
    expect(leastPrivilegeFindings({ Statement: { Effect: 'Allow', Action: ['kms:Decrypt', 'ecr:GetAuthorizationToken'], Resource: '*' } })[0].message).toMatch(/resource "\*" for kms:Decrypt,/);
  });
  it('fails if a KMS key may be used without kms:ViaService (the migration function\'s old statements)', () => {
    expect(leastPrivilegeFindings({ Statement: [{ Sid: 'Old', Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: ['arn:aws:kms:eu-west-1:1:key/k'] }] })).toEqual([
      { statement: 'Old', message: expect.stringMatching(/^kms:GenerateDataKey, kms:Decrypt without a kms:ViaService condition/) },
    ]);
    expect(leastPrivilegeFindings({ Statement: [{ Effect: 'Allow', Action: ['kms:Decrypt'], Resource: ['arn:aws:kms:eu-west-1:1:key/k'], Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-west-1.amazonaws.com' } } }] })).toEqual([]);
  });
  it('fails if NotAction or NotResource is used', () => {
    expect(leastPrivilegeFindings({ Statement: [{ Effect: 'Allow', NotAction: 'iam:*', NotResource: 'x' }] })).toHaveLength(2);
  });
});

describe('every IAM policy the mesh synthesizes', () => {
  it('is least-privilege', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'contract-mesh-iam-'));
    try {
      expect(synthesizeMesh({ ...fixtureSynth(), root: join(__dirname, '..', '..', '..'), outdir, log: { info: () => undefined, error: (m) => { throw new Error(m); } } })).toBe(0);
      let checked = 0;
      for (const stack of readdirSync(join(outdir, 'stacks'))) {
        const tf = JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
        for (const p of [...Object.values(tf.resource?.aws_iam_role_policy ?? {}), ...Object.values(tf.resource?.aws_iam_policy ?? {})] as Array<{ policy: string }>) {
          expect({ stack, findings: leastPrivilegeFindings(parseTemplated(p.policy)) }).toEqual({ stack, findings: [] });
          checked++;
        }
      }
      // ledger's and fulfilment's execution roles, the Kafka admin policy and the three sink migration functions, in dev and prod
      expect(checked).toBe(12);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
