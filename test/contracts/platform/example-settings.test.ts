import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../../contracts/environment';
import { exampleValues, exampleValuesWarning, SHIPPED_EXAMPLES } from '../../../contracts/platform/example-settings';
import { dev, localEnvironment, PLATFORM_SETTINGS, prod } from '../../../stacks/environments';

const root = join(__dirname, '..', '..', '..');
const SHIPPED_BUNDLE = SHIPPED_EXAMPLES.caBundleSha256[0];

/** An environment whose platform team filled in every value. */
function filledIn(env: EnvironmentConfig): EnvironmentConfig {
  return {
    ...env,
    ...(env.backend.type === 's3' ? { backend: { ...env.backend, bucket: 'acme-terraform-state-prod' } } : {}),
    aws: {
      ...env.aws!,
      accountId: '123456789012',
      network: { ...env.aws!.network, vpcId: 'vpc-0abc', privateSubnetIds: ['subnet-0a1', 'subnet-0b1', 'subnet-0c1'], endpointSecurityGroupId: 'sg-0e1' },
    },
  };
}

describe('example values in the environments', () => {
  it('knows the committed RDS CA bundle as the copy taken from npm', () => {
    const file = join(root, PLATFORM_SETTINGS.dev.rdsCaBundleFile);
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(SHIPPED_BUNDLE);
  });

  it('lists every example value dev and prod ship with: account, network, CA bundle, prod\'s state bucket', () => {
    expect(exampleValues(dev, { caBundleSha256: SHIPPED_BUNDLE }).map((v) => v.field)).toEqual([
      'aws.accountId', 'aws.network.vpcId', 'aws.network.privateSubnetIds', 'aws.network.endpointSecurityGroupId', 'aws.databaseTls.caBundleFile',
    ]);
    expect(exampleValues(prod, { caBundleSha256: SHIPPED_BUNDLE }).map((v) => v.field)).toEqual([
      'aws.accountId', 'aws.network.vpcId', 'aws.network.privateSubnetIds', 'aws.network.endpointSecurityGroupId', 'aws.databaseTls.caBundleFile', 'backend.bucket',
    ]);
  });

  it('finds none once they are filled in, and none in the local mesh (loopback, no AWS)', () => {
    expect(exampleValues(filledIn(dev), { caBundleSha256: 'f'.repeat(64) })).toEqual([]);
    expect(exampleValues(filledIn(prod), { caBundleSha256: 'f'.repeat(64) })).toEqual([]);
    expect(exampleValues(localEnvironment({}))).toEqual([]);
  });

  it('names each value left, one at a time', () => {
    const oneLeft = { ...filledIn(prod), aws: { ...filledIn(prod).aws!, accountId: '111111111111' } };
    expect(exampleValues(oneLeft, { caBundleSha256: 'f'.repeat(64) })).toEqual([{ field: 'aws.accountId', value: '111111111111' }]);
    expect(exampleValues(filledIn(prod), { caBundleSha256: SHIPPED_BUNDLE })).toEqual([expect.objectContaining({ field: 'aws.databaseTls.caBundleFile', note: expect.stringMatching(/AWS's download.*certs\/rds\/README\.md/) })]);
  });

  it('says it in one line naming the environment, the values and where to fill them in', () => {
    const w = exampleValuesWarning(dev, exampleValues(dev, { caBundleSha256: SHIPPED_BUNDLE }));
    expect(w).toMatch(/^environment dev still has example values, which cannot be deployed: aws\.accountId 111111111111; aws\.network\.vpcId vpc-0de0000000000d001; .*Fill in dev's PLATFORM_SETTINGS in stacks\/environments\.ts before the first deploy \(README: "Before the first deploy"\)\.$/);
    expect(w).not.toContain('\n');
    expect(exampleValuesWarning(dev, [])).toBeUndefined();
  });
});
