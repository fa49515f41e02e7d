import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { caBundleProblems, databaseTlsDecision, rdsCaBundleUrl } from '../../../contracts/platform/database-tls';
import { dev } from '../../helpers';

const withTls = (databaseTls: unknown) => ({ ...dev, aws: { ...dev.aws!, databaseTls } }) as typeof dev;
const BUNDLE = readFileSync(join(__dirname, '..', '..', '..', 'certs', 'rds', 'eu-west-1-bundle.pem'), 'utf8');

describe('the database TLS decision of an environment', () => {
  it('verifies against the CA bundle file it names', () => {
    expect(databaseTlsDecision(withTls({ caBundleFile: 'certs/rds/eu-west-1-bundle.pem' }))).toEqual({ decision: { verify: true, caBundleFile: 'certs/rds/eu-west-1-bundle.pem' }, problems: [] });
  });
  it('does not verify only when told so explicitly', () => {
    expect(databaseTlsDecision(withTls({ verifyServerCertificate: false }))).toEqual({ decision: { verify: false }, problems: [] });
  });
  it('fails if there is no decision, saying where to download the bundle', () => {
    for (const tls of [undefined, {}, { verifyServerCertificate: true }]) {
      const { decision, problems } = databaseTlsDecision(withTls(tls));
      expect(decision).toBeUndefined();
      expect(problems).toEqual([{ field: 'aws.databaseTls', message: expect.stringContaining('would refuse to connect'), fix: expect.stringContaining(rdsCaBundleUrl('eu-west-1')) }]);
    }
    expect(rdsCaBundleUrl('eu-west-1')).toBe('https://truststore.pki.rds.amazonaws.com/eu-west-1/eu-west-1-bundle.pem');
  });
  it('fails if it says both, or names a path outside the repository', () => {
    expect(databaseTlsDecision(withTls({ caBundleFile: 'certs/x.pem', verifyServerCertificate: false })).problems[0].message).toMatch(/cannot be both/);
    for (const f of ['/etc/ssl/ca.pem', '../outside.pem', '']) expect(databaseTlsDecision(withTls({ caBundleFile: f })).problems[0].message).toMatch(/not a path inside the repository/);
  });
});

describe('a CA bundle', () => {
  it('holds for the committed RDS bundle: three CA certificates', () => {
    expect(caBundleProblems(BUNDLE, 'certs/rds/eu-west-1-bundle.pem')).toEqual([]);
  });
  it('fails if it holds no certificate, a broken one, or a private key', () => {
    expect(caBundleProblems('hello\n', 'b.pem')[0].message).toMatch(/holds no PEM certificate/);
    expect(caBundleProblems('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'b.pem')[0].message).toMatch(/certificate 1 of b\.pem cannot be read/);
    expect(caBundleProblems(`${BUNDLE}-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n`, 'b.pem')[0].message).toMatch(/contains a private key/);
  });
  it('fails if a certificate is not a certificate authority (a server certificate committed by mistake)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-leaf-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=db.example', '-addext', 'basicConstraints=critical,CA:FALSE'], { cwd: dir, stdio: 'pipe' });
      const leaf = readFileSync(join(dir, 'c.pem'), 'utf8');
      expect(caBundleProblems(BUNDLE + leaf, 'b.pem')).toEqual([{ field: 'aws.databaseTls.caBundleFile', message: expect.stringMatching(/^certificate 4 of b\.pem \(CN=db\.example\) is not a certificate authority\.$/), fix: expect.any(String) }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
