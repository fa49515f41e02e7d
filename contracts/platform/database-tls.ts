/**
 * What the migration function trusts when it connects to the platform database: the environment's
 * CA bundle (checked here: PEM certificates of certificate authorities, nothing else), or an explicit
 * opt-out. Pure: the caller reads the file.
 */
import { X509Certificate } from 'node:crypto';
import type { EnvironmentConfig } from '../environment';
import type { EnvironmentProblem } from './aws-environment-rules';

/** Where the platform team downloads the RDS CA bundle of a region (AWS's trust store). */
export function rdsCaBundleUrl(region: string): string {
  return `https://truststore.pki.rds.amazonaws.com/${region}/${region}-bundle.pem`;
}

/** The TLS decision of an environment: verify against a bundle file, or (explicitly) do not verify. */
export type DatabaseTlsDecision =
  | { readonly verify: true; readonly caBundleFile: string }
  | { readonly verify: false };

/** The environment's TLS decision for the database, or the problem that there is none (or two). */
export function databaseTlsDecision(env: EnvironmentConfig): { decision?: DatabaseTlsDecision; problems: EnvironmentProblem[] } {
  const tls = env.aws?.databaseTls;
  const download = `download the region's RDS CA bundle once from ${rdsCaBundleUrl(env.region)}, commit it (e.g. as certs/rds/${env.region}-bundle.pem) and set aws.databaseTls: { caBundleFile: 'certs/rds/${env.region}-bundle.pem' }`;
  if (tls?.caBundleFile !== undefined && tls.verifyServerCertificate === false) {
    return { problems: [{ field: 'aws.databaseTls', message: 'names a CA bundle and says verifyServerCertificate: false; it cannot be both.', fix: 'remove verifyServerCertificate (a CA bundle means the certificate is verified), or remove caBundleFile.' }] };
  }
  if (tls?.caBundleFile !== undefined) {
    const f = tls.caBundleFile;
    if (f.trim() === '' || f.startsWith('/') || f.split(/[\\/]/).includes('..')) {
      return { problems: [{ field: 'aws.databaseTls.caBundleFile', message: `"${f}" is not a path inside the repository.`, fix: `use a path relative to the project root; ${download}.` }] };
    }
    return { decision: { verify: true, caBundleFile: f }, problems: [] };
  }
  if (tls?.verifyServerCertificate === false) return { decision: { verify: false }, problems: [] };
  return {
    problems: [{
      field: 'aws.databaseTls',
      message: 'is not set: the migration function verifies the database\'s TLS certificate and has no CA bundle to verify it with, so it would refuse to connect.',
      fix: `${download}. Only if you accept that anyone on the network path can pose as the database: aws.databaseTls: { verifyServerCertificate: false } (the review shows it).`,
    }],
  };
}

/** The problems of a CA bundle's text: it must hold PEM certificates of certificate authorities, and no private key. */
export function caBundleProblems(pem: string, file: string): EnvironmentProblem[] {
  const field = 'aws.databaseTls.caBundleFile';
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) {
    return [{ field, message: `${file} contains a private key.`, fix: 'a CA bundle holds certificates only: remove the key from the repository (and treat it as leaked), and commit the bundle AWS publishes.' }];
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return [{ field, message: `${file} holds no PEM certificate.`, fix: 'commit the PEM bundle as AWS publishes it (lines "-----BEGIN CERTIFICATE-----" …).' }];
  const out: EnvironmentProblem[] = [];
  blocks.forEach((b, i) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(b);
    } catch (err) {
      out.push({ field, message: `certificate ${i + 1} of ${file} cannot be read (${(err as Error).message}).`, fix: 'download the bundle again and commit it unchanged.' });
      return;
    }
    if (!cert.ca) out.push({ field, message: `certificate ${i + 1} of ${file} (${cert.subject.replace(/\n/g, ', ')}) is not a certificate authority.`, fix: "a CA bundle holds the CAs that sign the database's certificate, not a server certificate: commit the bundle AWS publishes." });
  });
  return out;
}
